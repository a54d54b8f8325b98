import "../serverOnly";
import type { LedgerEntry, SpendScope } from "../../lib/tikiLedger";
import type { MasterStore } from "../db/store";

/**
 * Runs one costed step at the master: refuses it with OVER_BUDGET when its estimate would pass the
 * task's or branch's budget, then records what it really cost (or that it failed) in the ledger.
 */
export async function charged<T>(
  store: MasterStore,
  scope: SpendScope,
  step: { kind: LedgerEntry["kind"]; provider?: string; estimate: number; name: string },
  run: () => Promise<T>,
  actual: (result: T) => { tiki: number; provider?: string; detail?: LedgerEntry["detail"] },
): Promise<T> {
  await store.tiki.assertAffordable(scope, step.estimate, step.name);
  const entry = { branch: scope.branch, task: scope.task, being: scope.being, kind: step.kind, provider: step.provider };
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await store.tiki.record([{ ...entry, tiki: 0, ok: false, detail: { step: step.name, error: error instanceof Error ? error.message : String(error) } }]);
    throw error;
  }
  const paid = actual(result);
  await store.tiki.record([{ ...entry, ...paid, detail: { step: step.name, ...paid.detail } }]);
  return result;
}
