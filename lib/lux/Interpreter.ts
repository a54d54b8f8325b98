import { hashEmbed } from "../embed";
import { createEvent, type EventEnvelope, type TraceContext, traceOf } from "../events";
import type { JsonObject } from "../jsonMergePatch";
import { costOf, createBudget, describeStep, recordSpent, remaining, type Budget, type TikiStep } from "../tiki";
import { KEYWORD_OF, type Expr, type Stmt } from "./ast";
import { DEFAULT_BUDGET, MAX_STEPS, SUMMARY_CHARS } from "./constants";
import { describeExpr, evaluate } from "./evaluate";
import type { LuxRunResult, LuxStep, RunOptions } from "./runTypes";
import type { LuxHost } from "./LuxHost";
import { LuxRuntimeError } from "./LuxRuntimeError";
import { runDataStep } from "./runDataStep";
import { runWorldStep } from "./runWorldStep";
import type { StepContext } from "./StepContext";
import { kindOf, summarize, truthy, type LuxValue } from "./values";

/** Internal: STOP unwinds the blocks. */
export class Stopped extends Error {}

/** One run of one program: its variables, budget, trace and the control flow (IF, FOR EACH, STOP). */
export class Interpreter implements StepContext {
  readonly variables = new Map<string, LuxValue>();
  readonly signal: AbortSignal;
  readonly host: LuxHost;
  readonly root: EventEnvelope;
  private budget: Budget;
  private readonly steps: LuxStep[] = [];
  private readonly embeddings = new Map<string, Float32Array>();
  private count = 0;
  /** Tiki charged for the step under way, reported when it finishes. */
  private pending = 0;

  constructor(private readonly options: RunOptions) {
    this.host = options.host;
    this.budget = createBudget(options.budget ?? DEFAULT_BUDGET);
    this.signal = options.signal ?? new AbortController().signal;
    for (const [k, v] of Object.entries(options.variables ?? {})) this.variables.set(k, v);
    this.root = this.event("lux.start", { budget: this.budget.limit }, options.trace);
  }

  get source(): string {
    return this.options.source ?? "master";
  }

  get randomBytes() {
    return this.options.randomBytes;
  }

  finish(error: LuxRuntimeError | null): LuxRunResult {
    this.event(
      "lux.end",
      { ok: error === null, spent: this.budget.spent, steps: this.steps.length, ...(error && { error: error.message, reason: error.reason }) },
      traceOf(this.root),
    );
    return { ok: error === null, steps: this.steps, spent: this.budget.spent, variables: this.variables, error, traceid: this.root.traceid };
  }

  async *block(stmts: Stmt[]): AsyncGenerator<LuxStep, void, void> {
    for (const stmt of stmts) yield* this.statement(stmt);
  }

  private async *statement(stmt: Stmt): AsyncGenerator<LuxStep, void, void> {
    const keyword = KEYWORD_OF[stmt.kind];
    if (this.signal.aborted)
      throw new LuxRuntimeError("interrupted", `stopped before ${keyword} on line ${stmt.span.line}: the run was interrupted`, stmt.span, keyword);
    if (++this.count > (this.options.maxSteps ?? MAX_STEPS)) {
      throw new LuxRuntimeError(
        "step_limit",
        `stopped at ${keyword} on line ${stmt.span.line}: more than ${this.options.maxSteps ?? MAX_STEPS} steps; is a loop running away?`,
        stmt.span,
        keyword,
      );
    }
    switch (stmt.kind) {
      case "if": {
        const yes = truthy(this.evaluate(stmt.condition, stmt));
        yield this.pay(stmt, [{ kind: "lux_step" }], yes ? "then" : "else");
        yield* this.block(yes ? stmt.then : (stmt.else ?? []));
        return;
      }
      case "forEach": {
        const list = this.evaluate(stmt.list, stmt);
        if (!Array.isArray(list)) throw this.error("type_error", stmt, `FOR EACH goes over a list, but ${describeExpr(stmt.list)} is ${kindOf(list)}`);
        yield this.pay(stmt, [{ kind: "lux_step" }], `${list.length} items`);
        const had = this.variables.has(stmt.item);
        const before = this.variables.get(stmt.item);
        for (const item of list) {
          this.variables.set(stmt.item, item);
          yield* this.block(stmt.body);
        }
        if (had) this.variables.set(stmt.item, before!);
        else this.variables.delete(stmt.item);
        return;
      }
      case "stop":
        yield this.pay(stmt, [{ kind: "lux_step" }], "stopped");
        throw new Stopped();
      case "set":
      case "load":
      case "embed":
      case "classify":
        yield await runDataStep(this, stmt);
        return;
      default:
        yield await runWorldStep(this, stmt);
    }
  }

  evaluate(e: Expr, stmt: Stmt): LuxValue {
    return evaluate(e, this.variables, (message) => this.error("type_error", stmt, message));
  }

  text(e: Expr, stmt: Stmt, what: string): string {
    const v = this.evaluate(e, stmt);
    if (typeof v !== "string") throw this.error("type_error", stmt, `${what} takes text, but ${describeExpr(e)} is ${kindOf(v)}`);
    return v;
  }

  embed(text: string): Float32Array {
    let v = this.embeddings.get(text);
    if (!v) {
      v = hashEmbed(text);
      this.embeddings.set(text, v);
    }
    return v;
  }

  embedded(text: string): Float32Array | undefined {
    return this.embeddings.get(text);
  }

  async call<T>(stmt: Stmt, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LuxRuntimeError) throw error;
      if (this.signal.aborted) throw this.error("interrupted", stmt, "the run was interrupted");
      throw this.error("host_error", stmt, error instanceof Error ? error.message : String(error));
    }
  }

  charge(stmt: Stmt, steps: TikiStep[]): void {
    const costs = steps.map(costOf);
    const tiki = costs.reduce((n, c) => n + c.tiki, 0);
    const left = remaining(this.budget);
    if (tiki > left) {
      const parts = costs.map((c) => `${describeStep(c.step)} ${c.tiki}`).join(" + ");
      const keyword = KEYWORD_OF[stmt.kind];
      throw new LuxRuntimeError(
        "over_budget",
        `${keyword} on line ${stmt.span.line} costs ${tiki} Tiki (${parts}) but only ${left} of ${this.budget.limit} remain (${this.budget.spent} spent); raise the budget or make the program cheaper`,
        stmt.span,
        keyword,
      );
    }
    this.budget = recordSpent(this.budget, tiki);
    this.pending += tiki;
  }

  spend(tiki: number): void {
    this.budget = recordSpent(this.budget, tiki);
    this.pending += tiki;
  }

  pay(stmt: Stmt, steps: TikiStep[], output: LuxValue): LuxStep {
    if (steps.length > 0) this.charge(stmt, steps);
    const tiki = this.pending;
    this.pending = 0;
    const statement = KEYWORD_OF[stmt.kind];
    const summary = summarize(output, SUMMARY_CHARS);
    const event = this.event(
      "lux.step",
      { statement, line: stmt.span.line, column: stmt.span.column, output: summary, tiki, spent: this.budget.spent },
      traceOf(this.root),
    );
    const step: LuxStep = {
      index: this.steps.length,
      statement,
      line: stmt.span.line,
      column: stmt.span.column,
      output: summary,
      tiki,
      spent: this.budget.spent,
      event,
    };
    this.steps.push(step);
    return step;
  }

  error(reason: "type_error" | "host_error" | "interrupted", stmt: Stmt, message: string): LuxRuntimeError {
    const keyword = KEYWORD_OF[stmt.kind];
    return new LuxRuntimeError(reason, `${keyword} on line ${stmt.span.line}: ${message}`, stmt.span, keyword);
  }

  private event(type: string, data: JsonObject, trace: TraceContext | undefined): EventEnvelope {
    const event = createEvent({ type, source: this.source, data, trace, now: () => this.host.now(), randomBytes: this.options.randomBytes });
    // NOTE: the trace must not stop the run; a host whose log fails reports that through its own onError.
    try {
      void Promise.resolve(this.host.emit(event)).catch(() => undefined);
    } catch {
      // see above
    }
    return event;
  }
}
