import "../serverOnly";
import { JANITOR_INTERVAL_MS } from "../../lib/timeline/constants";
import type { MasterStore } from "../db/store";

export interface Janitor {
  /** Runs one pass now (snapshots, then due retention); resolves when it is done. Passes never overlap. */
  runNow(): Promise<void>;
  /** Idempotent: stops the timer and waits for a running pass. */
  close(): Promise<void>;
}

/**
 * The timeline's janitor (issue 9): every JANITOR_INTERVAL_MS it snapshots beings and rooms whose
 * journals grew by SNAPSHOT_EVERY entries, and runs each room's retention policy when due.
 * A failed pass is reported through `onError` and the next one tries again.
 */
export function startJanitor(
  store: Pick<MasterStore, "timeTravel" | "retention">,
  dataDir: string,
  onError: (error: unknown) => void,
  intervalMs = JANITOR_INTERVAL_MS,
): Janitor {
  let running: Promise<void> | undefined;
  let closed = false;
  const pass = async () => {
    await store.timeTravel.checkpoint();
    await store.retention.runDue(dataDir);
  };
  const runNow = () => (running ??= pass().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    if (!closed && !running) runNow().catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    runNow,
    async close() {
      closed = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
