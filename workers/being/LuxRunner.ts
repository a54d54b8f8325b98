/**
 * Runs Lux programs inside a being's worker, one at a time, over the being's own host: steps go to the
 * page in small batches, Stop aborts the run, and the trace events land in the outbox. What a run spent
 * is recorded in the micro-world for the master's Tiki ledger (`lux-run:<trace id>`): its Lux steps as one
 * `lux` entry, its `RUN python` time as one `sandbox` entry; the sync loop reports them.
 */
import { compile, formatDiagnostic, runSteps, summarize, type LuxRunResult, type LuxStep } from "../../lib/lux";
import { MAIN_BRANCH } from "../../lib/constants";
import { DEFAULT_BUDGET } from "../../lib/lux/constants";
import { costOf } from "../../lib/tiki";
import { LuxRuntimeError } from "../../lib/lux/LuxRuntimeError";
import { textOf, fromJson, toJson } from "../../lib/lux/values";
import type { LuxCallBeing, LuxRunRequest, LuxRunView, LuxStepView } from "./api";
import { searchLocalFacts } from "./askMaster";
import { createBeingLuxHost, type BeingLuxHostOptions } from "./luxHost";
import { createRunTracing } from "./runTracing";
import { parseTraceparent } from "../../lib/events/traceparent";
import type { MicroWorld } from "./microWorld";

/** Steps sent to the page together, at most this often: the trace stays live without a message per step. */
const STEP_BATCH_MS = 100;
/** What a CALL answer holds: the few facts that fit the question best. */
const CALL_HITS = 3;

export class LuxRunner {
  private controller: AbortController | null = null;

  constructor(
    private readonly soul: string,
    private readonly name: string,
    private readonly world: () => MicroWorld,
    /** RUN python in the being's sandbox; absent (Node), RUN says so. */
    private readonly runPython?: (code: string, signal: AbortSignal) => Promise<{ value: unknown; ms: number }>,
    /** The master's procedures as the run reaches them (in a tab: through the kernel's I/O queue); this origin's tRPC when absent. */
    private readonly master?: BeingLuxHostOptions["master"],
    /** The branch the being lives in (genesis'd there): its runs happen there unless a request names another. */
    private readonly homeBranch: string = MAIN_BRANCH,
  ) {}

  get running(): boolean {
    return this.controller !== null;
  }

  async run(request: LuxRunRequest, onSteps: (steps: readonly LuxStepView[]) => void, callBeing?: LuxCallBeing): Promise<LuxRunView> {
    if (this.controller) throw new Error("A Lux program is already running in this being; stop it first.");
    const began = performance.now();
    const budget = request.budget ?? DEFAULT_BUDGET;
    const given = Object.entries(request.variables ?? {});
    const { program, diagnostics } = compile(
      request.source,
      given.map(([name]) => name),
    );
    if (diagnostics.length > 0) {
      const d = diagnostics[0]!;
      return {
        ok: false,
        steps: 0,
        spent: 0,
        budget,
        traceid: "",
        error: { message: formatDiagnostic(d, request.source, "program.lux"), reason: "invalid_program", line: d.span.line, column: d.span.column },
        reported: [],
        variables: {},
        ms: 0,
      };
    }
    const controller = new AbortController();
    this.controller = controller;
    // NOTE: RUN python's Tiki are what the interpreter charges for the sandbox's ms (lib/lux/runWorldStep.ts), counted here to book apart.
    let sandbox = { tiki: 0, ms: 0, runs: 0 };
    const python = this.runPython;
    const runPython =
      python &&
      (async (code: string, signal: AbortSignal) => {
        const answer = await python(code, signal);
        sandbox = { tiki: sandbox.tiki + costOf({ kind: "sandbox", ms: answer.ms }).tiki, ms: sandbox.ms + answer.ms, runs: sandbox.runs + 1 };
        return answer;
      });
    const tracing = createRunTracing(this.soul, this.world());
    const host = createBeingLuxHost({
      soul: this.soul,
      world: tracing.world,
      files: request.files ?? [],
      branch: request.branch ?? this.homeBranch,
      callBeing,
      runPython: runPython && ((code, signal) => tracing.span("sandbox.call", { kind: "python" }, () => runPython(code, signal))),
      ...(this.master && { master: tracing.master(this.master) }),
    });
    tracing.attach(host);
    let pending: LuxStepView[] = [];
    let lastSent = performance.now();
    const send = () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      lastSent = performance.now();
      onSteps(batch);
    };
    const startWith = Object.fromEntries(given.map(([name, value]) => [name, fromJson(value)]));
    const steps = runSteps(program, {
      host,
      budget,
      signal: controller.signal,
      source: this.soul,
      variables: startWith,
      trace: parseTraceparent(request.trace) ?? undefined,
    });
    let result: LuxRunResult | null = null;
    let error: LuxRuntimeError | null = null;
    let count = 0;
    let spent = 0;
    let traceid = "";
    try {
      for (;;) {
        const next = await steps.next();
        if (next.done) {
          result = next.value;
          break;
        }
        const step: LuxStep = next.value;
        count += 1;
        spent = step.spent;
        traceid ||= step.event.traceid ?? "";
        pending.push({
          index: step.index,
          statement: step.statement,
          line: step.line,
          column: step.column,
          output: step.output,
          tiki: step.tiki,
          spent: step.spent,
        });
        if (performance.now() - lastSent >= STEP_BATCH_MS) {
          send();
          // NOTE: a tight loop of local steps would otherwise keep the worker from ever hearing Stop.
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    } catch (e) {
      error = e instanceof LuxRuntimeError ? e : new LuxRuntimeError("host_error", e instanceof Error ? e.message : String(e));
    } finally {
      this.controller = null;
      send();
      host.flush();
    }
    const variables: Record<string, string> = {};
    for (const [k, v] of result?.variables ?? []) variables[k] = summarize(v, 200);
    const last = host.lastReported ?? result?.variables.get("output");
    const total = result?.spent ?? spent;
    const runId = result?.traceid || traceid;
    this.recordSpend(request.branch ?? this.homeBranch, request.task ?? `lux-run:${runId || crypto.randomUUID()}`, total, sandbox, {
      ok: error === null,
      steps: result?.steps.length ?? count,
      budget,
      error: error?.reason,
    });
    return {
      ok: error === null,
      steps: result?.steps.length ?? count,
      spent: total,
      budget,
      traceid: runId,
      error: error && { message: error.message, reason: error.reason, line: error.span?.line ?? null, column: error.span?.column ?? null },
      reported: host.reported,
      output: last === undefined ? null : toJson(last),
      variables,
      ms: Math.round(performance.now() - began),
    };
  }

  /** The run's spend, in one commit: its Lux steps (`lux`) and its sandbox time (`sandbox`), under its task (`lux-run:<trace id>` unless the request names one). */
  private recordSpend(
    branch: string,
    task: string,
    total: number,
    sandbox: { tiki: number; ms: number; runs: number },
    run: { ok: boolean; steps: number; budget: number; error: string | undefined },
  ): void {
    if (total === 0) return;
    const world = this.world();
    const sandboxTiki = Math.min(sandbox.tiki, total);
    world.write(() => {
      world.recordSpend({
        branch,
        task,
        kind: "lux",
        tiki: total - sandboxTiki,
        ok: run.ok,
        detail: { steps: run.steps, budget: run.budget, spent: total, ...(run.error !== undefined && { error: run.error }) },
      });
      if (sandbox.runs > 0)
        world.recordSpend({
          branch,
          task,
          kind: "sandbox",
          provider: "pyodide",
          tiki: sandboxTiki,
          ok: run.ok,
          detail: { ms: sandbox.ms, runs: sandbox.runs },
        });
    });
  }

  stop(): boolean {
    if (!this.controller) return false;
    this.controller.abort();
    return true;
  }

  /** What this being says to a CALL: the facts it holds that fit the question best. */
  answer(from: string, input: unknown): unknown {
    const value = fromJson(input);
    const question = typeof input === "object" && input !== null && "question" in input && typeof input.question === "string" ? input.question : textOf(value);
    const hits = searchLocalFacts(question, this.world().factVectors(5_000), CALL_HITS);
    return {
      from: this.name,
      soul: this.soul,
      asked_by: from,
      answer: hits[0]?.text ?? "",
      hits: hits.map((h) => ({ text: h.text, similarity: h.similarity })),
    };
  }
}
