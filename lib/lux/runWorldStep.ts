import { createEvent, traceOf } from "../events";
import type { JsonObject } from "../jsonMergePatch";
import { costOf } from "../tiki";
import type { Stmt } from "./ast";
import { DEFAULT_CALL_TIMEOUT_MS } from "./constants";
import type { LuxStep } from "./runTypes";
import type { StepContext } from "./StepContext";
import { kindOf, toJson, type LuxRecord } from "./values";

type WorldStmt = Extract<Stmt, { kind: "ask" | "report" | "remember" | "recall" | "summon" | "call" | "run" | "emit" | "wait" }>;

/** The statements that reach outside the program: the master, the micro-world, other beings, the sandbox, the event log, the clock. */
export async function runWorldStep(run: StepContext, stmt: WorldStmt): Promise<LuxStep> {
  const { host, signal } = run;
  switch (stmt.kind) {
    case "ask": {
      const q = run.text(stmt.question, stmt, "ASK master");
      run.charge(stmt, [{ kind: "master_call" }]);
      const value = await run.call(stmt, () => host.ask(q, signal));
      run.variables.set(stmt.target, value);
      return run.pay(stmt, [], value);
    }
    case "report": {
      const value = run.evaluate(stmt.value, stmt);
      run.charge(stmt, [{ kind: "master_call" }]);
      await run.call(stmt, () => host.report(value, signal, (text) => run.embedded(text)));
      return run.pay(stmt, [], value);
    }
    case "remember": {
      const value = run.evaluate(stmt.value, stmt);
      const key = stmt.key ? run.text(stmt.key, stmt, "REMEMBER … AS") : null;
      run.charge(stmt, [{ kind: "memory_op" }]);
      await run.call(stmt, () => host.remember(value, key, signal));
      return run.pay(stmt, [], value);
    }
    case "recall": {
      const q = run.text(stmt.query, stmt, "RECALL");
      run.charge(stmt, [{ kind: "memory_op" }]);
      const value = await run.call(stmt, () => host.recall(q, signal));
      run.variables.set(stmt.target, value);
      return run.pay(stmt, [], value);
    }
    case "summon": {
      const name = run.text(stmt.name, stmt, "SUMMON");
      const spec = run.evaluate(stmt.spec, stmt);
      if (kindOf(spec) !== "record")
        throw run.error("type_error", stmt, `SUMMON … WITH takes a record such as {personality: "…", program: "…"}, not ${kindOf(spec)}`);
      run.charge(stmt, [{ kind: "summon" }]);
      const value = await run.call(stmt, () => host.summon(name, spec as LuxRecord, signal));
      run.variables.set(stmt.target, value);
      return run.pay(stmt, [], value);
    }
    case "call": {
      const being = run.text(stmt.being, stmt, "CALL being");
      const input = run.evaluate(stmt.input, stmt);
      const timeoutMs = stmt.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
      run.charge(stmt, [{ kind: "being_call" }]);
      const value = await run.call(stmt, () =>
        withTimeout(host.call(being, input, timeoutMs, signal), timeoutMs, `${being} did not answer within ${timeoutMs} ms`),
      );
      run.variables.set(stmt.target, value);
      return run.pay(stmt, [], value);
    }
    case "run": {
      const code = run.text(stmt.code, stmt, "RUN python");
      run.charge(stmt, [{ kind: "lux_step" }]);
      const { value, ms } = await run.call(stmt, () => host.run("python", code, signal));
      run.spend(costOf({ kind: "sandbox", ms }).tiki);
      run.variables.set(stmt.target, value);
      return run.pay(stmt, [], value);
    }
    case "emit": {
      const type = run.text(stmt.type, stmt, "EMIT");
      const value = stmt.value ? run.evaluate(stmt.value, stmt) : null;
      run.charge(stmt, [{ kind: "lux_step" }]);
      const json = toJson(value);
      const data = (json !== null && typeof json === "object" && !Array.isArray(json) ? json : { value: json }) as JsonObject;
      try {
        await host.emit(createEvent({ type, source: run.source, data, trace: traceOf(run.root), now: () => host.now(), randomBytes: run.randomBytes }));
      } catch (error) {
        throw run.error("type_error", stmt, error instanceof Error ? error.message : String(error));
      }
      return run.pay(stmt, [], value);
    }
    case "wait": {
      run.charge(stmt, [{ kind: "lux_step" }]);
      await run.call(stmt, () => host.sleep(stmt.ms, signal));
      if (signal.aborted) throw run.error("interrupted", stmt, "the run was interrupted");
      return run.pay(stmt, [], `${stmt.ms} ms`);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
