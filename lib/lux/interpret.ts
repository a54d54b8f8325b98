import { hashEmbed } from "../embed";
import { createEvent, type EventEnvelope, type RandomBytes, type TraceContext, traceOf } from "../events";
import type { JsonObject } from "../jsonMergePatch";
import { costOf, createBudget, describeStep, recordSpent, remaining, type Budget, type TikiStep } from "../tiki";
import type { Expr, Program, Span, Stmt } from "./ast";
import { nearestLabel } from "./classify";
import { DEFAULT_BUDGET, DEFAULT_CALL_TIMEOUT_MS, MAX_STEPS, SUMMARY_CHARS } from "./constants";
import type { LuxHost } from "./LuxHost";
import { LuxRuntimeError } from "./LuxRuntimeError";
import { equals, kindOf, LuxDocument, summarize, textOf, toJson, truthy, type LuxRecord, type LuxValue } from "./values";

export interface RunOptions {
  readonly host: LuxHost;
  /** Tiki the run may spend; defaults to DEFAULT_BUDGET. */
  readonly budget?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Who runs it, as an event source: the being's soul, or `master`. */
  readonly source?: string | undefined;
  /** The parent span, when the run is part of a larger trace. */
  readonly trace?: TraceContext | undefined;
  /** Ids from a seed instead of crypto, for reproducible tests. */
  readonly randomBytes?: RandomBytes | undefined;
  /** A hard bound on steps whatever the budget; defaults to MAX_STEPS. */
  readonly maxSteps?: number | undefined;
  /** Variables defined before the first line. */
  readonly variables?: Record<string, LuxValue> | undefined;
}

/** One executed step of the trace. */
export interface LuxStep {
  readonly index: number;
  readonly statement: string;
  readonly line: number;
  readonly column: number;
  /** A one-line summary of what the step produced. */
  readonly output: string;
  readonly tiki: number;
  /** Tiki spent by the run so far, this step included. */
  readonly spent: number;
  readonly event: EventEnvelope;
}

export interface LuxRunResult {
  readonly ok: boolean;
  readonly steps: LuxStep[];
  readonly spent: number;
  readonly variables: Map<string, LuxValue>;
  readonly error: LuxRuntimeError | null;
  readonly traceid: string;
}

const KEYWORD: Record<Stmt["kind"], string> = {
  load: "LOAD",
  embed: "EMBED",
  classify: "CLASSIFY",
  ask: "ASK",
  report: "REPORT",
  remember: "REMEMBER",
  recall: "RECALL",
  summon: "SUMMON",
  call: "CALL",
  run: "RUN",
  emit: "EMIT",
  set: "SET",
  if: "IF",
  forEach: "FOR EACH",
  wait: "WAIT",
  stop: "STOP",
};

/** Internal: STOP unwinds the blocks. */
class Stopped extends Error {}

/**
 * Runs a program step by step, yielding each step as it finishes; returns the result when the program ends.
 * Throws a LuxRuntimeError when a step fails, the budget runs out or the signal aborts.
 * Pass a program that `check` accepted; a malformed one fails with the reason at the step it reaches.
 *
 * @example for await (const step of runSteps(program, { host })) console.log(step.line, step.statement, step.tiki)
 */
export async function* runSteps(program: Program, options: RunOptions): AsyncGenerator<LuxStep, LuxRunResult, void> {
  const run = new Interpreter(options);
  try {
    yield* run.block(program.statements);
  } catch (error) {
    if (!(error instanceof Stopped)) {
      const e = asRuntimeError(error);
      run.finish(e);
      throw e;
    }
  }
  return run.finish(null);
}

/** Runs a program to its end and collects the trace; a failed run is `ok: false` with the error and the steps before it. */
export async function runLux(program: Program, options: RunOptions): Promise<LuxRunResult> {
  const run = new Interpreter(options);
  try {
    for await (const _step of run.block(program.statements));
  } catch (error) {
    if (!(error instanceof Stopped)) return run.finish(asRuntimeError(error));
  }
  return run.finish(null);
}

function asRuntimeError(error: unknown): LuxRuntimeError {
  if (error instanceof LuxRuntimeError) return error;
  return new LuxRuntimeError("host_error", error instanceof Error ? error.message : String(error));
}

class Interpreter {
  private budget: Budget;
  private readonly variables = new Map<string, LuxValue>();
  private readonly signal: AbortSignal;
  private readonly host: LuxHost;
  private readonly root: EventEnvelope;
  private readonly steps: LuxStep[] = [];
  private readonly embeddings = new Map<string, Float32Array>();
  private count = 0;

  constructor(private readonly options: RunOptions) {
    this.host = options.host;
    this.budget = createBudget(options.budget ?? DEFAULT_BUDGET);
    this.signal = options.signal ?? new AbortController().signal;
    for (const [k, v] of Object.entries(options.variables ?? {})) this.variables.set(k, v);
    this.root = this.event("lux.start", { budget: this.budget.limit }, options.trace);
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
    const keyword = KEYWORD[stmt.kind];
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
        const yes = truthy(this.eval(stmt.condition, stmt));
        yield await this.pay(stmt, [{ kind: "lux_step" }], yes ? "then" : "else");
        yield* this.block(yes ? stmt.then : (stmt.else ?? []));
        return;
      }
      case "forEach": {
        const list = this.eval(stmt.list, stmt);
        if (!Array.isArray(list)) throw this.error("type_error", stmt, `FOR EACH goes over a list, but ${describeExpr(stmt.list)} is ${kindOf(list)}`);
        yield await this.pay(stmt, [{ kind: "lux_step" }], `${list.length} items`);
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
        yield await this.pay(stmt, [{ kind: "lux_step" }], "stopped");
        throw new Stopped();
      default:
        yield await this.simple(stmt);
    }
  }

  private async simple(stmt: Exclude<Stmt, { kind: "if" | "forEach" | "stop" }>): Promise<LuxStep> {
    const ev = (e: Expr) => this.eval(e, stmt);
    const text = (e: Expr, what: string) => {
      const v = ev(e);
      if (typeof v !== "string") throw this.error("type_error", stmt, `${what} takes text, but ${describeExpr(e)} is ${kindOf(v)}`);
      return v;
    };
    const host = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        if (error instanceof LuxRuntimeError) throw error;
        if (this.signal.aborted) throw this.error("interrupted", stmt, "the run was interrupted");
        throw this.error("host_error", stmt, error instanceof Error ? error.message : String(error));
      }
    };
    switch (stmt.kind) {
      case "set": {
        const value = ev(stmt.value);
        const step = await this.pay(stmt, [{ kind: "lux_step" }], value);
        this.variables.set(stmt.target, value);
        return step;
      }
      case "load": {
        const s = stmt.source;
        let value: LuxValue;
        if (s.kind === "value") {
          value = ev(s.value);
        } else if (s.kind === "file") {
          const name = text(s.name, "LOAD file");
          await this.charge(stmt, [{ kind: "memory_op" }]);
          value = await host(() => this.host.load({ kind: "file", name }, this.signal));
        } else if (s.kind === "url") {
          const url = text(s.url, "LOAD url");
          let protocol = "";
          try {
            protocol = new URL(url).protocol;
          } catch {
            throw this.error("type_error", stmt, `${JSON.stringify(url)} is not a URL`);
          }
          if (protocol !== "http:" && protocol !== "https:") throw this.error("type_error", stmt, `LOAD url fetches http and https only, not ${protocol}`);
          await this.charge(stmt, [{ kind: "master_call" }]);
          value = await host(() => this.host.load({ kind: "url", url }, this.signal));
        } else if (s.kind === "rows") {
          await this.charge(stmt, [{ kind: "memory_op" }]);
          value = await host(() => this.host.load({ kind: "rows", table: s.table }, this.signal));
        } else {
          const query = text(s.query, "LOAD master query");
          await this.charge(stmt, [{ kind: "master_call" }]);
          value = await host(() => this.host.load({ kind: "query", query }, this.signal));
        }
        this.variables.set(stmt.target, value);
        return this.pay(stmt, s.kind === "value" ? [{ kind: "lux_step" }] : [], value);
      }
      case "embed": {
        const v = ev(stmt.value);
        const items = Array.isArray(v) ? v : [v];
        for (const item of items)
          if (typeof item !== "string" && !(item instanceof LuxDocument) && kindOf(item) !== "record")
            throw this.error("type_error", stmt, `EMBED takes text or documents, not ${kindOf(item)}`);
        const texts = items.map(textOf);
        await this.charge(stmt, [{ kind: "lux_step" }, { kind: "embed", chars: texts.reduce((n, t) => n + t.length, 0) }]);
        const docs = items.map((item, i) => (item instanceof LuxDocument ? item : new LuxDocument(texts[i]!, this.embed(texts[i]!))));
        const value: LuxValue = Array.isArray(v) ? docs : docs[0]!;
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "classify": {
        const v = ev(stmt.value);
        const labelsValue = ev(stmt.labels);
        if (!Array.isArray(labelsValue) || labelsValue.length === 0 || !labelsValue.every((l) => typeof l === "string")) {
          throw this.error("type_error", stmt, `INTO takes a list of text labels, but ${describeExpr(stmt.labels)} is ${summarize(labelsValue, 40)}`);
        }
        const labels = labelsValue;
        const items = Array.isArray(v) ? v : [v];
        const texts = items.map(textOf);
        const chars = texts.reduce((n, t) => n + t.length, 0);
        let labelled: LuxValue[];
        if (stmt.using.kind === "reasoner") {
          await this.charge(stmt, [
            { kind: "plan_operation" },
            { kind: "llm", provider: "deterministic", tokensIn: Math.ceil(chars / 4), tokensOut: items.length },
          ]);
          labelled = [];
          for (const t of texts) {
            const label = await host(() => this.host.reason(t, labels, this.signal));
            if (!labels.includes(label))
              throw this.error("host_error", stmt, `the reasoner answered ${JSON.stringify(label)}, which is not one of ${JSON.stringify(labels)}`);
            labelled.push(label);
          }
        } else {
          let examples;
          if (stmt.using.kind === "given") {
            const given = ev(stmt.using.examples);
            if (!Array.isArray(given)) throw this.error("type_error", stmt, `USING takes a list of {text, label} records, not ${kindOf(given)}`);
            examples = given.map((g) => {
              const label = g !== null && typeof g === "object" && !Array.isArray(g) && !(g instanceof LuxDocument) ? g.label : undefined;
              if (typeof label !== "string") throw this.error("type_error", stmt, `each example is a record {text: "…", label: "…"}, not ${summarize(g, 40)}`);
              return { text: textOf(g), label };
            });
            await this.charge(stmt, [{ kind: "lux_step" }, { kind: "embed", chars: chars + examples.reduce((n, e) => n + e.text.length, 0) }]);
          } else {
            await this.charge(stmt, [{ kind: "lux_step" }, { kind: "master_call" }, { kind: "embed", chars }]);
            examples = await host(() => this.host.examples(labels, this.signal));
          }
          labelled = items.map((item, i) => {
            const vector = item instanceof LuxDocument ? item.embedding : this.embed(texts[i]!);
            const best = nearestLabel(vector, labels, examples, (t) => this.embed(t));
            if (!best)
              throw this.error(
                "host_error",
                stmt,
                `no labelled examples for ${labels.join(", ")}; give some with USING, or ask the reasoner with USING reasoner`,
              );
            return best.label;
          });
        }
        const value: LuxValue = Array.isArray(v) ? labelled : labelled[0]!;
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "ask": {
        const q = text(stmt.question, "ASK master");
        await this.charge(stmt, [{ kind: "master_call" }]);
        const value = await host(() => this.host.ask(q, this.signal));
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "report": {
        const value = ev(stmt.value);
        await this.charge(stmt, [{ kind: "master_call" }]);
        await host(() => this.host.report(value, this.signal));
        return this.pay(stmt, [], value);
      }
      case "remember": {
        const value = ev(stmt.value);
        const key = stmt.key ? text(stmt.key, "REMEMBER … AS") : null;
        await this.charge(stmt, [{ kind: "memory_op" }]);
        await host(() => this.host.remember(value, key, this.signal));
        return this.pay(stmt, [], value);
      }
      case "recall": {
        const q = text(stmt.query, "RECALL");
        await this.charge(stmt, [{ kind: "memory_op" }]);
        const value = await host(() => this.host.recall(q, this.signal));
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "summon": {
        const name = text(stmt.name, "SUMMON");
        const spec = ev(stmt.spec);
        if (kindOf(spec) !== "record")
          throw this.error("type_error", stmt, `SUMMON … WITH takes a record such as {personality: "…", program: "…"}, not ${kindOf(spec)}`);
        await this.charge(stmt, [{ kind: "summon" }]);
        const value = await host(() => this.host.summon(name, spec as LuxRecord, this.signal));
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "call": {
        const being = text(stmt.being, "CALL being");
        const input = ev(stmt.input);
        const timeoutMs = stmt.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
        await this.charge(stmt, [{ kind: "being_call" }]);
        const value = await host(() =>
          withTimeout(this.host.call(being, input, timeoutMs, this.signal), timeoutMs, `${being} did not answer within ${timeoutMs} ms`),
        );
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value);
      }
      case "run": {
        const code = text(stmt.code, "RUN python");
        await this.charge(stmt, [{ kind: "lux_step" }]);
        const { value, ms } = await host(() => this.host.run("python", code, this.signal));
        this.budget = recordSpent(this.budget, costOf({ kind: "sandbox", ms }).tiki);
        this.variables.set(stmt.target, value);
        return this.pay(stmt, [], value, costOf({ kind: "sandbox", ms }).tiki);
      }
      case "emit": {
        const type = text(stmt.type, "EMIT");
        const value = stmt.value ? ev(stmt.value) : null;
        await this.charge(stmt, [{ kind: "lux_step" }]);
        const json = toJson(value);
        const data = (json !== null && typeof json === "object" && !Array.isArray(json) ? json : { value: json }) as JsonObject;
        try {
          await this.host.emit(
            createEvent({ type, source: this.source, data, trace: traceOf(this.root), now: () => this.host.now(), randomBytes: this.options.randomBytes }),
          );
        } catch (error) {
          throw this.error("type_error", stmt, error instanceof Error ? error.message : String(error));
        }
        return this.pay(stmt, [], value);
      }
      case "wait": {
        await this.charge(stmt, [{ kind: "lux_step" }]);
        await host(() => this.host.sleep(stmt.ms, this.signal));
        if (this.signal.aborted) throw this.error("interrupted", stmt, "the run was interrupted");
        return this.pay(stmt, [], `${stmt.ms} ms`);
      }
    }
  }

  private get source(): string {
    return this.options.source ?? "master";
  }

  private embed(text: string): Float32Array {
    let v = this.embeddings.get(text);
    if (!v) {
      v = hashEmbed(text);
      this.embeddings.set(text, v);
    }
    return v;
  }

  /** Tiki charged by `charge` for the step under way, reported when it finishes. */
  private pending = 0;

  /** Pays for a step before it acts, or stops the run naming the step, its line and the spend. */
  private charge(stmt: Stmt, steps: TikiStep[]): Promise<void> {
    const costs = steps.map(costOf);
    const tiki = costs.reduce((n, c) => n + c.tiki, 0);
    const left = remaining(this.budget);
    if (tiki > left) {
      const parts = costs.map((c) => `${describeStep(c.step)} ${c.tiki}`).join(" + ");
      const keyword = KEYWORD[stmt.kind];
      throw new LuxRuntimeError(
        "over_budget",
        `${keyword} on line ${stmt.span.line} costs ${tiki} Tiki (${parts}) but only ${left} of ${this.budget.limit} remain (${this.budget.spent} spent); raise the budget or make the program cheaper`,
        stmt.span,
        keyword,
      );
    }
    this.budget = recordSpent(this.budget, tiki);
    this.pending += tiki;
    return Promise.resolve();
  }

  /** Charges `steps` (if any) and records the finished step: the trace line and its event. */
  private async pay(stmt: Stmt, steps: TikiStep[], output: LuxValue, extra = 0): Promise<LuxStep> {
    if (steps.length > 0) await this.charge(stmt, steps);
    const tiki = this.pending + extra;
    this.pending = 0;
    const statement = KEYWORD[stmt.kind];
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

  private error(reason: "type_error" | "host_error" | "interrupted", stmt: Stmt, message: string): LuxRuntimeError {
    const keyword = KEYWORD[stmt.kind];
    return new LuxRuntimeError(reason, `${keyword} on line ${stmt.span.line}: ${message}`, stmt.span, keyword);
  }

  eval(e: Expr, stmt: Stmt): LuxValue {
    switch (e.kind) {
      case "text":
      case "number":
      case "bool":
        return e.value;
      case "var": {
        const v = this.variables.get(e.name);
        if (v === undefined) throw this.error("type_error", stmt, `undefined variable ${e.name}`);
        return v;
      }
      case "field": {
        const o = this.eval(e.object, stmt);
        if (e.name === "length" && (typeof o === "string" || Array.isArray(o))) return o.length;
        if (o instanceof LuxDocument) {
          if (e.name === "text") return o.text;
          if (e.name === "embedding") return Array.from(o.embedding);
          return null;
        }
        if (o !== null && typeof o === "object" && !Array.isArray(o)) return Object.hasOwn(o, e.name) ? o[e.name]! : null;
        throw this.error("type_error", stmt, `${describeExpr(e.object)} is ${kindOf(o)}, which has no field ${e.name}`);
      }
      case "list":
        return e.items.map((x) => this.eval(x, stmt));
      case "record": {
        const out: LuxRecord = {};
        for (const entry of e.entries) out[entry.key] = this.eval(entry.value, stmt);
        return out;
      }
      case "not":
        return !truthy(this.eval(e.operand, stmt));
      case "binary": {
        if (e.op === "and") return truthy(this.eval(e.left, stmt)) ? truthy(this.eval(e.right, stmt)) : false;
        if (e.op === "or") return truthy(this.eval(e.left, stmt)) ? true : truthy(this.eval(e.right, stmt));
        const l = this.eval(e.left, stmt);
        const r = this.eval(e.right, stmt);
        switch (e.op) {
          case "==":
            return equals(l, r);
          case "!=":
            return !equals(l, r);
          case "+":
            if (typeof l === "number" && typeof r === "number") return l + r;
            if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
            if (Array.isArray(l)) return [...l, r];
            if (typeof l === "string" || typeof r === "string") return display(l) + display(r);
            throw this.error("type_error", stmt, `cannot add ${kindOf(l)} and ${kindOf(r)}`);
          case "-":
            if (typeof l === "number" && typeof r === "number") return l - r;
            throw this.error("type_error", stmt, `- takes numbers, not ${kindOf(l)} and ${kindOf(r)}`);
          default: {
            if (!((typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string"))) {
              throw this.error("type_error", stmt, `cannot compare ${kindOf(l)} with ${kindOf(r)} using ${e.op}`);
            }
            if (e.op === "<") return l < r;
            if (e.op === "<=") return l <= r;
            if (e.op === ">") return l > r;
            return l >= r;
          }
        }
      }
    }
  }
}

function display(v: LuxValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return textOf(v);
}

function describeExpr(e: Expr): string {
  if (e.kind === "var") return e.name;
  if (e.kind === "field") return `${describeExpr(e.object)}.${e.name}`;
  return `the ${e.kind}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type { Span };
