/**
 * A SandboxHost backed by the master over plain-JSON tRPC (`fetch` to the same origin), usable from a
 * page and from a being's worker alike: `execution` reads the callee's genesis, `summon` creates a being
 * through `genesis.create` with the caller as its summoner (the master cuts its capabilities too).
 */
import { z } from "zod";
import { capabilitiesOf, readGenesis } from "../../lib/genesis";
import type { Runnable } from "../../lib/sandbox/protocol";
import type { SandboxHost } from "./createSandbox";

const envelope = z.union([z.object({ result: z.object({ data: z.unknown() }) }), z.object({ error: z.object({ message: z.string() }) })]);

const viewSchema = z.object({
  soul: z.string(),
  genesis: z.record(z.string(), z.unknown()),
  attributes: z.record(z.string(), z.unknown()),
});

async function read(response: Response, what: string): Promise<unknown> {
  const parsed = envelope.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new Error(`The master answered ${what} with something unreadable (HTTP ${response.status}).`);
  if ("error" in parsed.data) throw new Error(parsed.data.error.message);
  return parsed.data.result.data;
}

/** The code, attributes and capabilities of a function being, from the master's record. Throws a sentence when it cannot run. */
export async function fetchRunnable(soul: string, origin: string = self.location.origin): Promise<Runnable> {
  const url = `${origin}/api/trpc/genesis.get?input=${encodeURIComponent(JSON.stringify({ soul }))}`;
  const view = viewSchema.parse(await read(await fetch(url), "genesis.get"));
  const g = readGenesis(view.genesis as Parameters<typeof readGenesis>[0]);
  if (g.language !== "python") throw new Error(`${g.name} is written in ${g.language}; Python can call only Python beings.`);
  if (!g.source.trim()) throw new Error(`${g.name} has no code yet.`);
  return { soul: view.soul, name: g.name, version: g.version, source: g.source, attributes: view.attributes, capabilities: capabilitiesOf(g) };
}

/** The host a sandbox owner normally uses: the master answers `execution` and `summon`. */
export function createMasterHost(origin?: string): SandboxHost {
  return {
    resolve: (soul) => fetchRunnable(soul, origin ?? self.location.origin),
    async summon(caller, spec) {
      const response = await fetch(`${origin ?? self.location.origin}/api/trpc/genesis.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: spec.name, source: spec.source, attributes: spec.attributes, capabilities: spec.capabilities, summoned_by: caller }),
      });
      const created = z.object({ soul: z.string() }).parse(await read(response, "genesis.create"));
      return created.soul;
    },
  };
}
