"use client";
import { useEffect } from "react";
import type { Runnable } from "../../../lib/sandbox/protocol";
import { createSandbox, type CallOptions, type CallOutcome, type Sandbox } from "../../../workers/sandbox/createSandbox";
import { createMasterHost } from "../../../workers/sandbox/masterHost";

let shared: Sandbox | undefined;

declare global {
  interface Window {
    /** Test hook (e2e/sandbox.spec.ts): run code in the page's sandbox as a being would. */
    luxosSandbox?: {
      run(being: Runnable, options?: CallOptions): Promise<CallOutcome>;
      state(): string;
      /** Starts a second sandbox, loads Pyodide in it and closes it: answers the owner-side ms (bench/sandbox.ts). */
      coldStart(): Promise<number>;
    };
  }
}

/**
 * The page's one Python sandbox (one per tab, its worker started on first use), whose `execution` and
 * `summon` go to the master.
 */
export function usePageSandbox(): Sandbox {
  shared ??= createSandbox({ host: createMasterHost() });
  const sandbox = shared;
  useEffect(() => {
    window.luxosSandbox = {
      run: (being, options) => sandbox.call(being, options),
      state: () => sandbox.state,
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
  }, [sandbox]);
  return sandbox;
}
