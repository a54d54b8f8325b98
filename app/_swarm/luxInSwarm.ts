"use client";
/**
 * Lux runs in a being's worker; the page routes them: the run itself to the being's worker in this tab,
 * and each CALL to the worker of the being it names (by soul or by name), when that one runs here too.
 */
import { proxy } from "comlink";
import type { BeingRecord, LuxRunRequest, LuxRunView, LuxStepView } from "../../workers/being/api";
import { SwarmError, type SwarmHost } from "./SwarmHost";

/** Runs a program in a being running in this tab. Rejects with a SwarmError when it is not running here. */
export function runLuxInSwarm(host: SwarmHost, soul: string, request: LuxRunRequest, onSteps: (steps: readonly LuxStepView[]) => void): Promise<LuxRunView> {
  const api = host.workerApi(soul);
  if (!api) throw new SwarmError("unknown_being", "This being is not running in this tab: start it here, then run the program.");
  return api.runLux(
    request,
    proxy(onSteps),
    proxy((being: string, input: unknown, timeoutMs: number) => callBeing(host, soul, being, input, timeoutMs)),
  );
}

/** Stops the run under way in a being here; false when none runs. */
export async function stopLuxInSwarm(host: SwarmHost, soul: string): Promise<boolean> {
  return (await host.workerApi(soul)?.stopLux()) ?? false;
}

/**
 * Lux CALL: asks the named being's worker in this tab, within `timeoutMs`. The call waits its turn in the
 * kernel's I/O queue as the caller's (the timeout counts the wait).
 */
export async function callBeing(host: SwarmHost, from: string, target: string, input: unknown, timeoutMs: number): Promise<unknown> {
  const wanted = target.trim().toLowerCase();
  const beings = host.list();
  const found = beings.find((b) => b.soul === wanted) ?? beings.find((b) => b.name.toLowerCase() === wanted);
  if (!found) throw new Error(`no being named ${JSON.stringify(target)} runs in this tab's swarm; spawn or start it on the Swarm page, then run again`);
  const api = host.workerApi(found.soul);
  if (!api) throw new Error(`${found.name} is ${found.phase} here, not running; start it on the Swarm page, then run again`);
  const ask = (signal: AbortSignal) =>
    new Promise<unknown>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error(`${found.name} did not answer within ${timeoutMs} ms`)), { once: true });
      api.answerCall(from, input).then(resolve, reject);
    });
  const kernel = host.kernel;
  if (!kernel) return ask(AbortSignal.timeout(timeoutMs));
  return kernel.ioWork(from, `CALL ${found.name}`, ask, timeoutMs);
}

/** Starts a being that exists at the master (a fan-out variant's) in a worker here; rejects with why when it does not come up. */
export async function startInSwarm(host: SwarmHost, record: BeingRecord): Promise<void> {
  await host.adopt(record);
  if (!host.workerApi(record.soul)) throw new SwarmError("unknown_being", host.get(record.soul)?.problem ?? `${record.name} did not start in this tab.`);
}

/**
 * Sends what a being here still holds for the master (its outbox: facts, events; then its spend) and waits, at most
 * `timeoutMs`, until its sync loop is idle with an empty outbox. Answers whether it got there (false: it is offline or
 * the master refused; what is left stays in its micro-world).
 */
export async function settleInSwarm(host: SwarmHost, soul: string, timeoutMs: number): Promise<boolean> {
  const api = host.workerApi(soul);
  if (!api) return false;
  const asked = Date.now();
  await api.syncNow();
  const deadline = asked + timeoutMs;
  let idleSince: number | null = null;
  for (;;) {
    const sync = (await api.status()).sync;
    const idle = sync !== null && sync.depth === 0 && sync.state === "idle" && (sync.lastAttemptAt ?? 0) >= asked;
    // NOTE: idle twice with no attempt between: the loop has also sent the spend it reports after the outbox.
    if (idle && idleSince !== null && sync.lastAttemptAt === idleSince) return true;
    idleSince = idle ? sync.lastAttemptAt : null;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

/** How often settling looks at the being's sync status: long enough for the loop's next cycle to have run. */
const SETTLE_POLL_MS = 250;
