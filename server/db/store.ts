import "../serverOnly";
import { createBeingsRepo, type BeingsRepo } from "./beings";
import { createBranchesRepo, type BranchesRepo } from "./branches";
import { createBranchViews } from "./branchViews";
import { DEFAULT_MERGE_THRESHOLD } from "../../lib/knowledge/constants";
import type { SqlDriver, SqlExecutor } from "./driver";
import { createTracedDriver } from "./traceContext";
import { createEventsRepo, type EventsRepo } from "./events";
import { createKnowledgeRepo, type KnowledgeRepo } from "./knowledge";
import { createGenesisRepo, type GenesisRepo } from "./genesis";
import { createIdentityRepo, type IdentityRepo } from "./identity";
import { createMaintenance } from "./maintenance";
import { migrate } from "./migrate";
import { createRelationshipsRepo, type RelationshipsRepo } from "./relationships";
import { createRetention, type Retention } from "./retention";
import { createRoomsRepo, type RoomsRepo } from "./rooms";
import { createTimelineRepo, type TimelineRepo } from "./timeline";
import { createTimeTravel, type TimeTravel } from "./timeTravel";
import { createTikiRepo, type TikiRepo } from "./tiki";

/**
 * The Master Entity's store: the two-table world behind one interface.
 * Inputs are already validated (lib/schemas.ts); the store enforces what only
 * the database knows (existence, core beings, conflicts).
 */
export interface MasterStore {
  readonly kind: SqlDriver["kind"];
  readonly beings: BeingsRepo;
  readonly relationships: RelationshipsRepo;
  /** Shared rooms (room beings) and their Yjs update logs. */
  readonly rooms: RoomsRepo;
  /** The append-only event log with its global sequence. */
  readonly events: EventsRepo;
  /** Facts beings taught the master: merged, corroborated, searchable. */
  readonly knowledge: KnowledgeRepo;
  /** Beings with source code: versions, evolution and mutation, lineage, export and import. */
  readonly genesis: GenesisRepo;
  /** People, passkeys, sessions, room roles and invites, and whom each being belongs to (issue 10). */
  readonly identity: IdentityRepo;
  /** The event log read as a timeline: filters, pages, a live tail, traces, export and import. */
  readonly timeline: TimelineRepo;
  /** Beings and rooms rebuilt at any past moment from snapshots and journals; restore as a new version. */
  readonly timeTravel: TimeTravel;
  /** Per-room retention: hot days, archives, compaction. */
  readonly retention: Retention;
  /** Branches of reality: fork, tree, merge with conflicts, drop, archive. */
  readonly branches: BranchesRepo;
  /** The Tiki ledger: spend per being, task and branch; task budgets. */
  readonly tiki: TikiRepo;
  stats(): Promise<{ beings: number; relationships: number }>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Refreshes planner statistics and index housekeeping now, where the database does not do it itself (PGlite). */
  maintain(): Promise<void>;
  /** Runs raw SQL: for benchmarks, tests and migrations tooling only. */
  readonly sql: SqlExecutor;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Cosine similarity at or above which a pushed fact merges into one the master holds (default DEFAULT_MERGE_THRESHOLD). */
  readonly mergeThreshold?: number;
}

/** Creates the store over a driver, applying pending migrations first. */
export async function createStore(plain: SqlDriver, options: StoreOptions = {}): Promise<MasterStore> {
  const mergeThreshold = options.mergeThreshold ?? DEFAULT_MERGE_THRESHOLD;
  await migrate(plain);
  const maintenance = await createMaintenance(plain, (error) => console.error("[luxos] store maintenance failed:", error));
  // NOTE: repositories write through the traced driver, so a traced request's writes record its trace (traceContext.ts).
  const driver = createTracedDriver(plain);
  const views = createBranchViews(driver);
  let closing: Promise<void> | undefined;
  const beings = createBeingsRepo(driver, maintenance, views);
  const rooms = createRoomsRepo(driver);
  const events = createEventsRepo(driver, maintenance, { mergeThreshold });
  return {
    kind: driver.kind,
    beings,
    branches: createBranchesRepo(driver, views, maintenance),
    tiki: createTikiRepo(driver),
    relationships: createRelationshipsRepo(driver, maintenance, views),
    rooms,
    events,
    knowledge: createKnowledgeRepo(driver, maintenance, { mergeThreshold }),
    genesis: createGenesisRepo(driver),
    identity: createIdentityRepo(driver),
    timeline: createTimelineRepo(driver, events),
    timeTravel: createTimeTravel(driver, beings, rooms, views),
    retention: createRetention(driver),
    maintain: () => maintenance.flush(),
    sql: driver,
    async stats() {
      const [row] = await driver.query<{ beings: number; relationships: number }>(
        // NOTE: a branch's copy-on-write versions of relationships are rows too; like being_versions they are not counted.
        "SELECT (SELECT count(*)::int FROM base_beings) AS beings, (SELECT count(*)::int FROM relationships WHERE version_of IS NULL) AS relationships",
      );
      return row!;
    },
    async ping() {
      await driver.query("SELECT 1");
    },
    close: () =>
      (closing ??= (async () => {
        await maintenance.close();
        await driver.close();
      })()),
  };
}
