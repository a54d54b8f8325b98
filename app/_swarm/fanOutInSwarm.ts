/**
 * Fan-out in this tab (issue 8): each variant of a fan-out task runs in a being worker here, the being genesis'd in
 * the variant's branch. Its run carries the branch and the task, so its master reads see the branch, its writes
 * land there, its RUN python and CALL wait in the tab's kernel, and its spend is booked to the branch and the task.
 * What each run produced is recorded at the master (`branches.fanOutRecord`) for fan-in.
 */
import type { FanOutRun, FanOutTask, FanOutVariant } from "../../lib/branches/schemas";
import type { Json } from "../../lib/jsonMergePatch";
import type { BeingRecord, LuxRunRequest, LuxRunView, LuxStepView } from "../../workers/being/api";

/** Where one variant is: its being starting, its program running (steps and Tiki so far), its output being recorded, done or failed. */
export type VariantPhase = "starting" | "running" | "recording" | "done" | "failed";

export interface VariantProgress {
  readonly phase: VariantPhase;
  readonly steps: number;
  readonly tiki: number;
  /** The recorded run, once done. */
  readonly run: FanOutRun | null;
  /** Why it failed, in words. */
  readonly problem: string | null;
}

export const STARTING: VariantProgress = { phase: "starting", steps: 0, tiki: 0, run: null, problem: null };

/** What the fan-out needs of the tab and the master (the swarm host and tRPC in the page; fakes in tests). */
export interface FanOutDeps {
  /** Starts the variant's being in a worker here; resolves once it runs. */
  start(record: BeingRecord): Promise<void>;
  run(soul: string, request: LuxRunRequest, onSteps: (steps: readonly LuxStepView[]) => void): Promise<LuxRunView>;
  record(input: { branch: string; being: string; ok: boolean; output: Json; error: string | null; tiki: number; steps: number }): Promise<FanOutRun>;
}

/** The worker record of a variant's being: it lives in the variant's branch. */
export function recordOfVariant(variant: FanOutVariant): BeingRecord {
  const { soul, name, personality, goal, reasoner, budget } = variant.being;
  return { soul, name, personality, goal, reasoner, budget, branch: variant.branch.id };
}

/** The run a variant's being makes: the task's program, in its branch, booked to the task, with `input` and its `personality`. */
export function requestOfVariant(task: FanOutTask, variant: FanOutVariant): LuxRunRequest {
  return {
    source: task.program,
    budget: task.budget,
    branch: variant.branch.id,
    task: task.task,
    variables: { input: task.input, personality: variant.personality },
  };
}

/**
 * Runs every variant at once, each in its own being worker, and tells `onProgress` (by branch id) as each moves.
 * Resolves when all have ended; a variant that fails says why in its progress and does not stop the others.
 */
export async function runFanOut(task: FanOutTask, deps: FanOutDeps, onProgress: (branch: string, progress: VariantProgress) => void): Promise<void> {
  await Promise.all(
    task.variants.map(async (variant) => {
      let progress = STARTING;
      const tell = (patch: Partial<VariantProgress>) => {
        progress = { ...progress, ...patch };
        onProgress(variant.branch.id, progress);
      };
      tell({});
      try {
        await deps.start(recordOfVariant(variant));
        tell({ phase: "running" });
        const view = await deps.run(variant.being.soul, requestOfVariant(task, variant), (batch) => {
          const last = batch.at(-1);
          tell({ steps: progress.steps + batch.length, tiki: last ? last.spent : progress.tiki });
        });
        tell({ phase: "recording", steps: view.steps, tiki: view.spent });
        const run = await deps.record({
          branch: variant.branch.id,
          being: variant.being.soul,
          ok: view.ok,
          // NOTE: the worker made it with toJson, so it is JSON.
          output: (view.output ?? null) as Json,
          error: view.error?.message ?? null,
          tiki: view.spent,
          steps: view.steps,
        });
        tell({ phase: "done", run });
      } catch (error) {
        tell({ phase: "failed", problem: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
}
