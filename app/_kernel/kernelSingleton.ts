"use client";
/**
 * One kernel per tab, made on first use and kept across client-side navigations. Also installs the
 * typed test hook `window.luxosSandbox` (e2e/sandbox.spec.ts, bench/sandbox.ts): runs go through the
 * kernel's CPU queue like any being's.
 */
import type { Runnable } from "../../lib/sandbox/protocol";
import { createSandbox, ensureSnapshot, type CallOptions, type CallOutcome } from "../../workers/sandbox/createSandbox";
import { createMasterHost } from "../../workers/sandbox/masterHost";
import { Kernel, type KernelStats } from "./Kernel";

declare global {
  interface Window {
    /** Test hook: run code in the tab's kernel as the being `being.soul` would. */
    luxosSandbox?: {
      run(being: Runnable, options?: CallOptions): Promise<CallOutcome>;
      stats(): KernelStats;
      /** Starts the pool's spare sandbox and answers once Pyodide has loaded in it (true) or failed (false). */
      prewarm(): Promise<boolean>;
      /** Starts a sandbox outside the pool, loads Pyodide in it and closes it: answers the owner-side ms (bench/sandbox.ts). */
      coldStart(): Promise<number>;
      /** Answers once the Pyodide memory snapshot exists (made in the background after a start without one; kept in Cache Storage). */
      snapshotReady(): Promise<boolean>;
    };
  }
}

let kernel: Kernel | undefined;

/** The tab's kernel. Cheap to make: no sandbox starts until a run (or `prewarm`) asks for one. */
export function getKernel(): Kernel {
  if (kernel) return kernel;
  const k = new Kernel();
  kernel = k;
  window.luxosSandbox = {
    run: (being, options = {}) =>
      k.runPython(
        being.soul,
        being,
        { ...(options.kwargs && { kwargs: options.kwargs }), ...(options.timeLimitMs && { timeLimitMs: options.timeLimitMs }) },
        new AbortController().signal,
      ),
    stats: () => k.stats(),
    prewarm: () => {
      k.prewarm();
      return k.pool.spareReady();
    },
    snapshotReady: () => ensureSnapshot(),
    async coldStart() {
      const t0 = performance.now();
      const other = createSandbox({ host: createMasterHost() });
      try {
        await other.warm();
        return performance.now() - t0;
      } finally {
        other.close();
      }
    },
  };
  return k;
}
