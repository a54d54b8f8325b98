/**
 * A SandboxHost backed by the master over plain-JSON tRPC (`fetch` to the same origin), usable from a
 * page and from a being's worker alike: `execution` reads the callee's genesis, `summon` creates a being
 * through `genesis.create` with the caller as its summoner (the master cuts its capabilities too).
 */
import { z } from "zod";
import { capabilitiesOf, readGenesis } from "../../lib/genesis";
import type { Runnable } from "../../lib/sandbox/protocol";
import { masterMutation, masterRead } from "../being/masterFetch";
import type { SandboxHost } from "./createSandbox";

const viewSchema = z.object({
  soul: z.string(),
  genesis: z.record(z.string(), z.unknown()),
  attributes: z.record(z.string(), z.unknown()),
});

/** The code, attributes and capabilities of a function being, from the master's record. Throws a sentence when it cannot run. */
export async function fetchRunnable(soul: string): Promise<Runnable> {
  const view = viewSchema.parse(await masterRead("genesis.get", { soul }));
  const g = readGenesis(view.genesis as Parameters<typeof readGenesis>[0]);
  if (g.language !== "python") throw new Error(`${g.name} is written in ${g.language}; Python can call only Python beings.`);
  if (!g.source.trim()) throw new Error(`${g.name} has no code yet.`);
  return { soul: view.soul, name: g.name, version: g.version, source: g.source, attributes: view.attributes, capabilities: capabilitiesOf(g) };
}

/** The host a sandbox owner normally uses: the master answers `execution` and `summon`. */
export function createMasterHost(): SandboxHost {
  return {
    resolve: (soul) => fetchRunnable(soul),
    async summon(caller, spec) {
      const input = { name: spec.name, source: spec.source, attributes: spec.attributes, capabilities: spec.capabilities, summoned_by: caller };
      return z.object({ soul: z.string() }).parse(await masterMutation("genesis.create", input)).soul;
    },
  };
}
