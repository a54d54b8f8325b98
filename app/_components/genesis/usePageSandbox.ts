"use client";
import { useEffect, useRef } from "react";
import { capabilitiesOf } from "../../../lib/genesis";
import type { Runnable } from "../../../lib/sandbox/protocol";
import { createSandbox, type CallOptions, type CallOutcome, type Sandbox } from "../../../workers/sandbox/createSandbox";
import { useTRPCClient } from "../../_trpc/client";

type Client = ReturnType<typeof useTRPCClient>;

/** A function being as the sandbox runs it, from the master's record. */
export async function runnableOf(client: Client, soul: string): Promise<Runnable> {
  const view = await client.genesis.get.query({ soul });
  if (view.genesis.language !== "python") throw new Error(`${view.genesis.name} is written in ${view.genesis.language}; Python can call only Python beings.`);
  if (!view.genesis.source.trim()) throw new Error(`${view.genesis.name} has no code yet.`);
  return {
    soul: view.soul,
    name: view.genesis.name,
    version: view.genesis.version,
    source: view.genesis.source,
    attributes: view.attributes,
    capabilities: capabilitiesOf(view.genesis),
  };
}

let shared: { sandbox: Sandbox; client: { current: Client } } | undefined;

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
 * The page's one Python sandbox (one per tab, started on first use), whose `execution` and `summon`
 * go to the master through tRPC.
 */
export function usePageSandbox(): Sandbox {
  const client = useTRPCClient();
  const ref = useRef<Sandbox | null>(null);
  if (!shared) {
    const clientRef = { current: client };
    const sandbox = createSandbox({
      host: {
        resolve: (soul) => runnableOf(clientRef.current, soul),
        summon: async (caller, spec) =>
          (
            await clientRef.current.genesis.create.mutate({
              name: spec.name,
              source: spec.source,
              attributes: spec.attributes,
              capabilities: spec.capabilities,
              summoned_by: caller,
            })
          ).soul,
      },
    });
    shared = { sandbox, client: clientRef };
  }
  shared.client.current = client;
  ref.current = shared.sandbox;
  useEffect(() => {
    const sandbox = shared!.sandbox;
    window.luxosSandbox = {
      run: (being, options) => sandbox.call(being, options),
      state: () => sandbox.state,
      async coldStart() {
        const t0 = performance.now();
        const other = createSandbox({ host: { resolve: () => Promise.reject(new Error("no host")), summon: () => Promise.reject(new Error("no host")) } });
        try {
          await other.warm();
          return performance.now() - t0;
        } finally {
          other.close();
        }
      },
    };
  }, []);
  return ref.current;
}
