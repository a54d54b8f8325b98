"use client";
/**
 * One swarm host per tab, made on first use and kept across client-side navigations (it holds the
 * workers and their locks). Also installs the typed test hook `window.__luxos.swarm`.
 */
import type { TRPCClient } from "@trpc/client";
import type { AppRouter } from "../../server/root";
import { getKernel } from "../_kernel/kernelSingleton";
import { SwarmHost, type MasterApi } from "./SwarmHost";

/** The test hook: only what the UI cannot show (workers, locks), plus a way to crash a worker. */
export interface SwarmTestHook {
  readonly host: SwarmHost;
  simulateCrash(soul: string): boolean;
  liveWorkers(): number;
  holdsLock(soul: string): boolean;
  /** `hashEmbed` of each text in a real being worker, as plain numbers (the embedder determinism e2e). */
  embed(texts: readonly string[]): Promise<number[][]>;
}

declare global {
  interface Window {
    __luxos?: { swarm?: SwarmTestHook };
  }
}

let hostPromise: Promise<SwarmHost> | undefined;

/** The master calls the host makes, through the app's tRPC client. */
export function masterApiFrom(client: TRPCClient<AppRouter>): MasterApi {
  return {
    createBeing: (input) => client.beings.create.mutate(input),
    updateBeing: (input) => client.beings.update.mutate(input),
  };
}

/** The tab's swarm host (created, and its beings restarted, on the first call). */
export function getSwarmHost(client: TRPCClient<AppRouter>): Promise<SwarmHost> {
  hostPromise ??= SwarmHost.create(masterApiFrom(client), undefined, getKernel()).then((host) => {
    window.__luxos = {
      ...window.__luxos,
      swarm: {
        host,
        simulateCrash: (soul) => host.simulateCrash(soul),
        liveWorkers: () => host.liveWorkers(),
        holdsLock: (soul) => host.holdsLock(soul),
        embed: (texts) => host.embedInWorker(texts),
      },
    };
    return host;
  });
  return hostPromise;
}
