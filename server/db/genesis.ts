import "../serverOnly";
import { coreSoul, isCoreSoul, type CoreBeingName } from "../../lib/coreBeings";
import {
  EXPORT_FORMAT,
  genesisToJson,
  nextVersion,
  planEvolve,
  readGenesis,
  capabilitiesOf,
  reconstruct,
  ReconstructError,
  sideBySide,
  classify,
  summarize,
  withVersion,
  type BeingExport,
  type BeingType,
  type DiffAnswer,
  type EvolveResult,
  type GenesisCreate,
  type GenesisEvolve,
  type GenesisView,
  type Lineage,
  type LineageEdge,
  type LineageNode,
  type VersionRecord,
} from "../../lib/genesis";
import { MAX_NEIGHBORS } from "../../lib/constants";
import type { Soul } from "../../lib/ids";
import { CAPABILITIES } from "../../lib/sandbox/protocol";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { SqlDriver, SqlExecutor } from "./driver";
import { StoreError } from "./errors";
import { BEING_COLUMNS, coreRefusal, getBeing, ISO, json, notFound, toBeing, translate, type BeingRow } from "./sql";

/** The tag (and relationship kind) linking a mutation to the being it came from: child → parent. */
export const MUTATED_FROM = "mutated-from";
/** The tag linking a summoned being to the being whose code summoned it: child → parent. */
export const SUMMONED_BY = "summoned-by";
/** How many generations of descendants a lineage walks. */
const MAX_LINEAGE_DEPTH = 32;

/** Genesis and evolution (issue 7): beings with source code, their versions and their lineage. */
export interface GenesisRepo {
  /** A new being with source code, stored as its version 1. */
  create(input: GenesisCreate): Promise<GenesisView>;
  get(soul: string): Promise<GenesisView>;
  /** Saves a new source: an evolution (a new version) or a mutation (a new being); `dry_run` only says which. */
  evolve(input: GenesisEvolve): Promise<EvolveResult>;
  /** The exact source of one version. */
  reconstruct(soul: string, version: number): Promise<{ soul: string; version: number; source: string }>;
  diff(a: { soul: string; version: number }, b: { soul: string; version: number }): Promise<DiffAnswer>;
  lineage(soul: string): Promise<Lineage>;
  export(soul: string): Promise<BeingExport>;
  import(file: BeingExport, options: { newSoulIfTaken: boolean }): Promise<{ soul: string; versions: number; relationships: number; skipped: number }>;
}

interface VersionRow {
  version: number;
  stored: "snapshot" | "diff";
  body: VersionRecord["body"];
  added: number;
  removed: number;
  message: string | null;
  at: string;
}

const VERSION_COLUMNS = `version, stored, body, added, removed, message, to_char(created_at, ${ISO}) AS at`;

const CORE_LINE: Record<BeingType, CoreBeingName[]> = {
  class: ["BaseBeing", "ClassBeing"],
  function: ["BaseBeing", "FunctionBeing"],
  kernel: ["BaseBeing", "Kernel"],
  runtime: ["BaseBeing"],
};

const toRecord = (r: VersionRow): VersionRecord => ({ ...r, body: r.body });

async function insertVersion(q: SqlExecutor, soul: string, r: VersionRecord): Promise<void> {
  await q.query(
    `INSERT INTO genesis_versions (soul, version, stored, body, added, removed, message, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::timestamp)`,
    [soul, r.version, r.stored, JSON.stringify(r.body), r.added, r.removed, r.message, r.at],
  );
}

/** The records needed to rebuild `upTo` (all versions from the nearest snapshot), oldest first. */
async function recordsFor(q: SqlExecutor, soul: string, upTo: number | null): Promise<VersionRecord[]> {
  const rows = await q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM genesis_versions
     WHERE soul = $1 AND version <= coalesce($2, 2147483647)
       AND version >= coalesce((SELECT max(version) FROM genesis_versions WHERE soul = $1 AND stored = 'snapshot' AND version <= coalesce($2, 2147483647)), 1)
     ORDER BY version`,
    [soul, upTo],
  );
  return rows.map(toRecord);
}

/** The newest stored version and its text (0 and "" when none). */
async function storedHead(q: SqlExecutor, soul: string): Promise<{ version: number; source: string }> {
  const records = await recordsFor(q, soul, null);
  const last = records.at(-1);
  return last ? { version: last.version, source: reconstruct(records, last.version) } : { version: 0, source: "" };
}

async function lockBeing(q: SqlExecutor, soul: string) {
  const [row] = await q.query<BeingRow>(`SELECT ${BEING_COLUMNS} FROM base_beings WHERE soul = $1 FOR UPDATE`, [soul]);
  if (!row) throw notFound("Being", soul);
  return toBeing(row);
}

function reconstructFailure(error: unknown): never {
  if (error instanceof ReconstructError) throw new StoreError(error.reason === "missing_version" ? "NOT_FOUND" : "INVALID", error.message);
  throw error;
}

export function createGenesisRepo(driver: SqlDriver): GenesisRepo {
  async function view(q: SqlExecutor, soul: string): Promise<GenesisView> {
    const being = await getBeing(q, soul);
    const history = await q.query<Omit<VersionRow, "body">>(
      `SELECT version, stored, added, removed, message, to_char(created_at, ${ISO}) AS at FROM genesis_versions WHERE soul = $1 ORDER BY version`,
      [soul],
    );
    return { soul: being.soul, core: being.core, genesis: readGenesis(being.genesis), history, attributes: being.attributes, tags: being.tags };
  }

  async function sourceOf(q: SqlExecutor, soul: string, version: number): Promise<string> {
    await getBeing(q, soul);
    const records = await recordsFor(q, soul, version);
    if (!records.some((r) => r.version === version)) {
      throw new StoreError("NOT_FOUND", `Being ${soul} has no version ${version}: genesis.get lists its versions.`);
    }
    try {
      return reconstruct(records, version);
    } catch (error) {
      reconstructFailure(error);
    }
  }

  return {
    async create(input) {
      const soul = crypto.randomUUID();
      const at = new Date().toISOString();
      const parent = input.summoned_by ? await getBeing(driver, input.summoned_by) : null;
      const parentGenesis = parent ? readGenesis(parent.genesis) : null;
      // NOTE: a summoned being never gets a capability its summoner lacks, whatever it asks for.
      const ceiling = parentGenesis ? capabilitiesOf(parentGenesis) : [...CAPABILITIES];
      const capabilities = (input.capabilities ?? ceiling).filter((c) => ceiling.includes(c));
      const base = readGenesis({
        name: input.name,
        type: input.type,
        language: input.language,
        ancestors: parent && parentGenesis ? [...parentGenesis.ancestors, parent.soul] : (input.ancestors ?? CORE_LINE[input.type].map(coreSoul)),
        meta: { ...input.meta, capabilities, ...(parent ? { summoned_by: parent.soul } : {}) },
      });
      const record = input.source === "" ? null : nextVersion(0, "", input.source, at, input.message ?? "genesis");
      const genesis = record ? withVersion(base, record, input.source) : base;
      await driver.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness)
           VALUES ($1, $2::text[], 0, $3::jsonb, $4::jsonb, '{}', '{}')`,
          [soul, input.tags, json(genesisToJson(genesis)), json(input.attributes)],
        );
        if (record) await insertVersion(tx, soul, record);
        if (parent) {
          await tx.query(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             VALUES ($1, ARRAY['${SUMMONED_BY}']::text[], 0, $2, $3, $4::jsonb, '{}', $5::text[])`,
            [crypto.randomUUID(), soul, parent.soul, json({ kind: SUMMONED_BY, parent_version: parentGenesis!.version }), parent.branches],
          );
        }
      });
      return view(driver, soul);
    },

    get: (soul) => view(driver, soul),

    async evolve(input) {
      if (isCoreSoul(input.soul)) throw coreRefusal(input.soul, "evolved");
      try {
        return await driver.transaction(async (tx): Promise<EvolveResult> => {
          const being = await lockBeing(tx, input.soul);
          const plan = planEvolve(
            { soul: being.soul, genesis: readGenesis(being.genesis), stored: await storedHead(tx, being.soul) },
            { source: input.source, name: input.name, message: input.message, at: new Date().toISOString() },
          );
          const dry = input.dry_run;
          if (plan.kind === "unchanged") {
            return { kind: "unchanged", dry_run: dry, classification: plan.classification, soul: being.soul, version: readGenesis(being.genesis).version };
          }
          if (plan.kind === "evolution") {
            if (!dry) {
              if (plan.adopt) await insertVersion(tx, being.soul, plan.adopt);
              await insertVersion(tx, being.soul, plan.record);
              await tx.query("UPDATE base_beings SET genesis = genesis || $2::jsonb, updated_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE soul = $1", [
                being.soul,
                json(genesisToJson(plan.genesis)),
              ]);
            }
            return { kind: "evolution", dry_run: dry, classification: plan.classification, soul: being.soul, version: plan.record.version, parent: null };
          }
          const parent = { soul: being.soul, version: plan.parentVersion };
          if (dry) return { kind: "mutation", dry_run: true, classification: plan.classification, soul: null, version: 1, parent };
          if (plan.adopt) {
            await insertVersion(tx, being.soul, plan.adopt);
            await tx.query("UPDATE base_beings SET genesis = genesis || $2::jsonb WHERE soul = $1", [being.soul, json(genesisToJson(plan.parentGenesis))]);
          }
          const child = crypto.randomUUID();
          await tx.query(
            `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches)
             VALUES ($1, $2::text[], 0, $3::jsonb, $4::jsonb, '{}', '{}', $5::text[])`,
            [child, being.tags, json(genesisToJson(plan.child)), json(being.attributes), being.branches],
          );
          await insertVersion(tx, child, plan.record);
          const { kind: _kind, reason, ...stats } = plan.classification;
          await tx.query(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches)
             VALUES ($1, ARRAY['${MUTATED_FROM}']::text[], 0, $2, $3, $4::jsonb, '{}', $5::text[])`,
            [crypto.randomUUID(), child, being.soul, json({ kind: MUTATED_FROM, parent_version: plan.parentVersion, reason, ...stats }), being.branches],
          );
          return { kind: "mutation", dry_run: false, classification: plan.classification, soul: child, version: 1, parent };
        });
      } catch (error) {
        if (error instanceof StoreError) throw error;
        if (error instanceof ReconstructError) reconstructFailure(error);
        translate(error, { soul: input.soul });
      }
    },

    async reconstruct(soul, version) {
      return { soul, version, source: await sourceOf(driver, soul, version) };
    },

    async diff(a, b) {
      const [left, right] = await Promise.all([sourceOf(driver, a.soul, a.version), sourceOf(driver, b.soul, b.version)]);
      return { a: { ...a, source: left }, b: { ...b, source: right }, rows: sideBySide(left, right), classification: classify(left, right) };
    },

    async lineage(soul) {
      const center = await getBeing(driver, soul);
      const ancestors = readGenesis(center.genesis).ancestors;
      const descendants = await driver.query<{ soul: string; parent: string; parent_version: number | null; depth: number; summoned: boolean }>(
        `WITH RECURSIVE d(soul, parent, parent_version, depth, summoned) AS (
           SELECT source_soul, target_soul, (genesis ->> 'parent_version')::int, 1, tags @> ARRAY['${SUMMONED_BY}']::text[] FROM relationships
           WHERE target_soul = $1 AND tags && ARRAY['${MUTATED_FROM}', '${SUMMONED_BY}']::text[] AND version_of IS NULL
           UNION
           SELECT r.source_soul, r.target_soul, (r.genesis ->> 'parent_version')::int, d.depth + 1, r.tags @> ARRAY['${SUMMONED_BY}']::text[]
           FROM relationships r JOIN d ON r.target_soul = d.soul
           WHERE r.tags && ARRAY['${MUTATED_FROM}', '${SUMMONED_BY}']::text[] AND r.version_of IS NULL AND d.depth < $2
         )
         SELECT soul::text AS soul, parent::text AS parent, parent_version, min(depth) AS depth, bool_or(summoned) AS summoned FROM d
         GROUP BY soul, parent, parent_version ORDER BY depth, soul LIMIT $3`,
        [soul, MAX_LINEAGE_DEPTH, MAX_NEIGHBORS + 1],
      );
      const truncated = descendants.length > MAX_NEIGHBORS;
      const kept = descendants.slice(0, MAX_NEIGHBORS);
      const souls = [...new Set([...ancestors, soul, ...kept.map((d) => d.soul)])];
      const rows = await driver.query<{ soul: string; genesis: JsonObject }>(
        "SELECT soul::text AS soul, genesis FROM base_beings WHERE soul = ANY($1::uuid[])",
        [souls],
      );
      const byId = new Map(rows.map((r) => [r.soul, readGenesis(r.genesis)]));
      const depthOf = new Map<string, number>([
        ...ancestors.map((a, i) => [a, i - ancestors.length] as const),
        [soul, 0],
        ...kept.map((d) => [d.soul, d.depth] as const),
      ]);
      const nodes: LineageNode[] = souls.map((s) => {
        const g = byId.get(s);
        return { soul: s, name: g?.name ?? "(deleted)", exists: !!g, core: isCoreSoul(s), version: g?.version ?? 0, depth: depthOf.get(s) ?? 0 };
      });
      const mutatedFrom = (child: string) => {
        const m = byId.get(child)?.meta["mutated_from"];
        return m && typeof m === "object" && !Array.isArray(m) ? m : null;
      };
      const line = [...ancestors, soul];
      const edges: LineageEdge[] = line.slice(1).map((child, i) => {
        const parent = line[i]!;
        const m = mutatedFrom(child);
        const isMutation = m?.["soul"] === parent;
        return {
          kind: isMutation ? "mutation" : "descent",
          parent,
          child,
          parent_version: isMutation && typeof m["version"] === "number" ? m["version"] : null,
        };
      });
      for (const d of kept) edges.push({ kind: d.summoned ? "summon" : "mutation", parent: d.parent, child: d.soul, parent_version: d.parent_version });
      return { soul, nodes, edges, truncated };
    },

    async export(soul) {
      const being = await getBeing(driver, soul);
      if (being.core) throw new StoreError("INVALID", `Being ${soul} is a core being: every LuxOS has it already, so it is never exported.`);
      const versions = (await driver.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM genesis_versions WHERE soul = $1 ORDER BY version`, [soul])).map(
        toRecord,
      );
      const relationships = await driver.query<BeingExport["relationships"][number]>(
        `SELECT id::text AS id, coalesce(tags, '{}') AS tags, source_soul::text AS source_soul, target_soul::text AS target_soul, genesis, attributes
         FROM relationships WHERE (source_soul = $1 OR target_soul = $1) AND tags && ARRAY['${MUTATED_FROM}', '${SUMMONED_BY}']::text[] AND version_of IS NULL
         ORDER BY created_at, id`,
        [soul],
      );
      const { soul: s, tags, energy_level, genesis, attributes, memories, self_awareness, branches } = being;
      return {
        format: EXPORT_FORMAT,
        exported_at: new Date().toISOString(),
        being: { soul: s as Soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches },
        versions,
        relationships,
        micro_world: null,
      };
    },

    async import(file, { newSoulIfTaken }) {
      const original = file.being.soul;
      if (isCoreSoul(original) || file.being.genesis["core"] === true) {
        throw new StoreError("INVALID", "This file holds a core being: every LuxOS has the core beings already, so there is nothing to import.");
      }
      const versions = [...file.versions].sort((x, y) => x.version - y.version);
      versions.forEach((v, i) => {
        if (v.version !== i + 1)
          throw new StoreError("INVALID", `The file's versions skip from ${i} to ${v.version}: it is incomplete, export the being again.`);
      });
      try {
        for (const v of versions) reconstruct(versions, v.version);
      } catch (error) {
        if (error instanceof ReconstructError) throw new StoreError("INVALID", `The file's history is damaged: ${error.message}`);
        throw error;
      }
      const genesis = readGenesis(file.being.genesis);
      if (versions.length && genesis.version > versions.length) {
        throw new StoreError("INVALID", `The file says the being is at version ${genesis.version} but holds ${versions.length} versions: export it again.`);
      }
      return driver.transaction(async (tx) => {
        const [taken] = await tx.query("SELECT 1 FROM base_beings WHERE soul = $1", [original]);
        if (taken && !newSoulIfTaken) {
          throw new StoreError("CONFLICT", `Being ${original} lives here already: import it as a copy (new soul) or delete the one here first.`);
        }
        const soul = taken ? crypto.randomUUID() : original;
        const b = file.being;
        const summaries = versions.map(summarize).slice(-genesis.versions.length || undefined);
        await tx.query(
          `INSERT INTO base_beings (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches)
           VALUES ($1, $2::text[], $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::text[])`,
          [
            soul,
            b.tags,
            b.energy_level,
            JSON.stringify({ ...b.genesis, ...(versions.length ? { versions: summaries } : {}) }),
            json(b.attributes),
            json(b.memories),
            json(b.self_awareness),
            b.branches,
          ],
        );
        for (const v of versions) await insertVersion(tx, soul, v);
        const swap = (s: string) => (s === original ? soul : s);
        const ends = file.relationships.flatMap((r) => [swap(r.source_soul), swap(r.target_soul)]);
        const present = new Set(
          (await tx.query<{ soul: string }>("SELECT soul::text AS soul FROM base_beings WHERE soul = ANY($1::uuid[])", [ends])).map((r) => r.soul),
        );
        let relationships = 0;
        for (const r of file.relationships) {
          const source = swap(r.source_soul);
          const target = swap(r.target_soul);
          if (!present.has(source) || !present.has(target)) continue;
          const inserted = await tx.query(
            `INSERT INTO relationships (id, tags, energy_level, source_soul, target_soul, genesis, attributes)
             VALUES ($1, $2::text[], 0, $3, $4, $5::jsonb, $6::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
            [soul === original ? r.id : crypto.randomUUID(), r.tags, source, target, json(r.genesis), json(r.attributes)],
          );
          relationships += inserted.length;
        }
        return { soul, versions: versions.length, relationships, skipped: file.relationships.length - relationships };
      });
    },
  };
}
