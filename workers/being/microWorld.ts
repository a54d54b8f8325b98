/**
 * A being's micro-world: its own SQLite database on OPFS (`/luxos/beings/<soul>.sqlite3`), opened
 * in the being's worker with the `opfs` VFS (needs COOP/COEP, which next.config.mjs sends).
 */
import sqlite3InitModule from "@sqlite.org/sqlite-wasm";
import { createTrustedEvent, cryptoRandomBytes, parseTraceparent, pooledRandomBytes, type EventEnvelope, type RandomBytes } from "../../lib/events";
import { EMBEDDING_DIMENSIONS } from "../../lib/constants";
import { MAX_SUBJECT_LENGTH } from "../../lib/events/constants";
import { hashEmbed } from "../../lib/embed";
import { LEARNED_EVENT_TYPE, MAX_FACT_TEXT, type LearnedFactData, type PulledFact } from "../../lib/knowledge/contract";
import type { MicroWorldHistory, MicroWorldMoment, MicroWorldRestore, QueryResult, RecentEvent, TableInfo } from "./api";
import { JOURNAL_PRUNE_EVERY, MICRO_WORLD_DIR } from "./constants";
import { MicroWorldError, classifyStorageError } from "./microWorldError";
import { readOnlyQuery, toCell, type Database, type Sqlite3 } from "./sqlQuery";
import {
  JOURNAL_BOUNDS,
  JOURNAL_MIGRATION,
  type JournalBounds,
  JOURNALED_TABLES,
  JOURNALED_TABLE_NAMES,
  journalFloors,
  pruneJournal,
  undoAfter,
} from "./microJournal";
import { PastMicroWorld, tableRowsById } from "./PastMicroWorld";
import type { OutboxEntry, OutboxStore, PulledStore, SpendEntry, SpendStore } from "./SyncLoop";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { LedgerKind } from "../../lib/tikiLedger";

export { MicroWorldError, classifyStorageError };

/** Schema versions, applied in order; `PRAGMA user_version` says how many ran. Never edit one that shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE facts (
     id INTEGER PRIMARY KEY, text TEXT NOT NULL, embedding BLOB NOT NULL, source TEXT NOT NULL,
     confidence REAL NOT NULL, learned_at INTEGER NOT NULL, synced INTEGER NOT NULL DEFAULT 0);
   CREATE INDEX facts_unsynced ON facts(synced) WHERE synced = 0;
   CREATE TABLE memories (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, data TEXT);
   CREATE TABLE world_model (key TEXT PRIMARY KEY, expected TEXT, observed TEXT, observed_at INTEGER);
   CREATE TABLE outbox (id TEXT PRIMARY KEY, type TEXT NOT NULL, envelope TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX outbox_created ON outbox(created_at);
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE cursors (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // Store-and-forward: a fact remembers the outbox event that carries it to the master (its id there);
  // an event the master refused stays in the outbox with the reason instead of blocking the rest.
  // A fact pulled from the master remembers its soul there (and is never sent back).
  `ALTER TABLE facts ADD COLUMN event_id TEXT;
   CREATE UNIQUE INDEX facts_event_id ON facts(event_id);
   ALTER TABLE facts ADD COLUMN master_fact TEXT;
   CREATE UNIQUE INDEX facts_master_fact ON facts(master_fact);
   ALTER TABLE outbox ADD COLUMN refused TEXT;`,
  // Tiki spend on its way to the master's ledger (`tiki.report`): one row per entry, its id the report's idempotency
  // key. A row with an `agg_key` is still open (mind ticks summed per window); it is sealed (key cleared) before it is sent.
  `CREATE TABLE spend (
     id TEXT PRIMARY KEY, branch TEXT NOT NULL, task TEXT, kind TEXT NOT NULL, provider TEXT, tiki INTEGER NOT NULL,
     ok INTEGER NOT NULL, detail TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL,
     open_until INTEGER, agg_key TEXT UNIQUE, refused TEXT);`,
  // The flight recorder (issue 9): an undo log of facts, memories and the world model, so the micro-world can be
  // rebuilt at a past moment and restored to it (workers/being/microJournal.ts).
  JOURNAL_MIGRATION,
];

/** The migrations in order (tests build an older micro-world from the first few). */
export const MICRO_WORLD_MIGRATIONS: readonly string[] = MIGRATIONS;
/** The schema that added the flight recorder's journal (microJournal.ts). */
export const JOURNAL_SCHEMA_VERSION = 4;
/** The recorder's tables, which a micro-world of JOURNAL_SCHEMA_VERSION or later must have. */
export const JOURNAL_TABLES = ["journal", "journal_clock", "journal_floor"] as const;

/** The schema version this build writes (`PRAGMA user_version` after every migration ran). */
export const MICRO_WORLD_SCHEMA_VERSION = MIGRATIONS.length;
/** The tables every micro-world has had since schema 1 (an older image is migrated when it opens; `spend` came with 3). */
export const MICRO_WORLD_TABLES = ["facts", "memories", "world_model", "outbox", "settings", "cursors"] as const;

let sqlite3Promise: Promise<Sqlite3> | undefined;
/** Loads and initialises sqlite-wasm once per worker. */
export function loadSqlite(): Promise<Sqlite3> {
  // NOTE: printErr is kept: sqlite-wasm explains OPFS failures there, and a silent failure is worse than noise.
  sqlite3Promise ??= sqlite3InitModule({ print: () => {}, printErr: (msg) => console.warn(`[sqlite] ${msg}`) });
  return sqlite3Promise;
}

function toText(value: unknown): string {
  return typeof value === "string" ? value : String(toCell(value) ?? "");
}

/** One fact for {@link MicroWorld.learnMany}. */
export interface LearnItem {
  readonly text: string;
  /** Where in the being it came from (`plan:<id>`, `lux`, `teach`); the event's subject. */
  readonly source: string;
  /** 0 to 1; clamped, and 0.7 when not a number. */
  readonly confidence: number;
  /** The built-in embedder's vector of `text`, when the caller has it already. */
  readonly embedding?: Float32Array | undefined;
  /** The branch the fact was learned in (its event's `branch`, where the master files it); main when absent. */
  readonly branch?: string | undefined;
}

/** Where event ids and times come from: the real clock and crypto, or fixed ones that make a Node test reproducible. */
export interface IdSource {
  readonly now: () => Date;
  readonly randomBytes: RandomBytes;
}
const REAL_IDS: IdSource = { now: () => new Date(), randomBytes: pooledRandomBytes(cryptoRandomBytes) };

/** The `cursors` row that remembers where `knowledge.pull` stopped. */
const PULL_CURSOR = "knowledge.pull";

/** Tiki a being spent, as it records it for the master's ledger. */
export interface SpendItem {
  /** The branch the work ran in (`main` unless the run had one). */
  readonly branch: string;
  /** The task or run it belongs to (`lux-run:<id>`, `mind`, `plan:<operation id>`). */
  readonly task?: string | undefined;
  readonly kind: LedgerKind;
  readonly provider?: string | undefined;
  /** Whole Tiki, ≥ 0. */
  readonly tiki: number;
  readonly ok?: boolean | undefined;
  readonly detail?: JsonObject | undefined;
}

function checkTiki(tiki: number): void {
  if (!Number.isSafeInteger(tiki) || tiki < 0) throw new MicroWorldError("refused", `Spent Tiki are a whole number ≥ 0, not ${tiki}.`);
}

export class MicroWorld implements OutboxStore, PulledStore, SpendStore {
  private closed = false;
  private inTransaction = false;
  /** Rows in `memories`, kept as they are written so a status never has to count them. */
  memoryCount = 0;
  /** Rows in `facts`, likewise. */
  factCount = 0;
  /** Called after anything is put in the outbox (the sync loop's nudge). */
  onOutbox: (() => void) | null = null;
  /**
   * The W3C traceparent of the work under way (a Lux run sets it for its steps), recorded with every change its
   * commits make; null for the being's own ticks.
   */
  trace: string | null = null;
  private commitsSincePrune = 0;
  /** The last rebuilt moment, kept while nothing changes (the scrubber asks for a moment, then queries it). */
  private past: { at: number; head: number; world: PastMicroWorld } | null = null;
  private constructor(
    private readonly sqlite3: Sqlite3,
    private readonly db: Database,
    /** The being's soul: the source of every event it sends. */
    readonly soul: string,
    readonly file: string,
    readonly vfs: "opfs" | "memory",
    /** Milliseconds to load sqlite-wasm and to open and migrate the file. */
    readonly timings: { readonly sqliteMs: number; readonly openMs: number },
    private readonly ids: IdSource = REAL_IDS,
  ) {}

  /**
   * Opens (creating and migrating) a being's database. Throws a MicroWorldError of reason `no_opfs`
   * when the page is not cross-origin isolated, `locked` or `quota` when the file cannot be opened.
   */
  static async create(soul: string): Promise<MicroWorld> {
    const began = performance.now();
    const sqlite3 = await loadSqlite();
    const loaded = performance.now();
    const file = `${MICRO_WORLD_DIR}/${soul}.sqlite3`;
    // NOTE: test the constructor, not `'opfs' in sqlite3` (false in newer builds even when OPFS works; STACK-NOTES §3).
    if (!sqlite3.oo1.OpfsDb) {
      throw new MicroWorldError(
        "no_opfs",
        "OPFS is not available here (the page must be cross-origin isolated, in a browser with OPFS). Nothing would persist.",
      );
    }
    let db: Database;
    try {
      db = new sqlite3.oo1.OpfsDb(file, "c");
    } catch (error) {
      throw classifyStorageError(error);
    }
    const timings = { sqliteMs: 0, openMs: 0 };
    const world = new MicroWorld(sqlite3, db, soul, file, "opfs", timings);
    try {
      // NOTE: TRUNCATE keeps the journal file (OPFS creates and deletes files slowly); NORMAL is safe with a rollback
      // journal for a being whose last few decisions may be re-derived; the larger cache keeps a big write from spilling.
      db.exec("PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000;");
      world.migrate();
      world.write(() => world.pruneJournal());
      world.memoryCount = Number(db.selectValue("SELECT count(*) FROM memories") ?? 0);
      world.factCount = Number(db.selectValue("SELECT count(*) FROM facts") ?? 0);
    } catch (error) {
      world.close();
      throw classifyStorageError(error);
    }
    timings.sqliteMs = Math.round(loaded - began);
    timings.openMs = Math.round(performance.now() - loaded);
    return world;
  }

  /** A micro-world in memory that nothing persists: benchmarks and Node tests of code that runs on the real one. */
  static async createInMemory(soul: string, ids: IdSource = REAL_IDS): Promise<MicroWorld> {
    const sqlite3 = await loadSqlite();
    const world = new MicroWorld(sqlite3, new sqlite3.oo1.DB(":memory:", "c"), soul, `:memory:/${soul}`, "memory", { sqliteMs: 0, openMs: 0 }, ids);
    world.migrate();
    return world;
  }

  /**
   * A copy of a micro-world image in memory, migrated like a file that opens (Node tests and benchmarks of an older
   * micro-world; nothing persists).
   */
  static async openImage(soul: string, image: Uint8Array, ids: IdSource = REAL_IDS): Promise<MicroWorld> {
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(":memory:", "c");
    const { capi } = sqlite3;
    const copy = sqlite3.wasm.allocFromTypedArray(image);
    const rc = capi.sqlite3_deserialize(db, "main", copy, image.length, image.length, capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc !== 0) {
      db.close();
      throw new MicroWorldError("corrupt", `sqlite could not open the micro-world image (${capi.sqlite3_js_rc_str(rc) ?? rc}).`);
    }
    const world = new MicroWorld(sqlite3, db, soul, `:memory:/${soul}`, "memory", { sqliteMs: 0, openMs: 0 }, ids);
    world.migrate();
    world.memoryCount = Number(db.selectValue("SELECT count(*) FROM memories") ?? 0);
    world.factCount = Number(db.selectValue("SELECT count(*) FROM facts") ?? 0);
    return world;
  }

  private migrate(): void {
    const version = Number(this.db.selectValue("PRAGMA user_version") ?? 0);
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  /** Runs `fn` in one transaction, mapping storage failures to MicroWorldError. */
  write<T>(fn: () => T): T {
    this.assertOpen();
    // NOTE: writes inside a write join its transaction: one step of the being is one commit, whatever it writes.
    if (this.inTransaction) return fn();
    this.inTransaction = true;
    try {
      return this.db.transaction(() => {
        // NOTE: one moment per commit, never going back (a clock set back would make "as it was at T" ambiguous).
        this.db.exec({ sql: "UPDATE journal_clock SET at = max(coalesce(at, 0), ?), trace = ? WHERE id = 1", bind: [this.ids.now().getTime(), this.trace] });
        const result = fn();
        if (++this.commitsSincePrune >= JOURNAL_PRUNE_EVERY) this.pruneJournal();
        return result;
      });
    } catch (error) {
      throw classifyStorageError(error);
    } finally {
      this.inTransaction = false;
    }
  }

  appendOutbox(events: readonly EventEnvelope[]): void {
    if (events.length === 0) return;
    this.write(() => {
      const stmt = this.db.prepare("INSERT OR IGNORE INTO outbox(id, type, envelope, created_at) VALUES (?, ?, ?, ?)");
      try {
        for (const e of events) stmt.bind([e.id, e.type, JSON.stringify(e), Date.parse(e.time) || Date.now()]).stepReset();
      } finally {
        stmt.finalize();
      }
    });
    this.onOutbox?.();
  }

  /** The oldest events not refused, in the order they were written: at most `limit`, about `maxBytes` (at least one). */
  peek(limit: number, maxBytes: number): OutboxEntry[] {
    this.assertOpen();
    const rows = this.db.selectArrays("SELECT id, envelope FROM outbox WHERE refused IS NULL ORDER BY rowid LIMIT ?", [limit]);
    const batch: OutboxEntry[] = [];
    let bytes = 0;
    for (const [id, envelope] of rows) {
      if (typeof id !== "string" || typeof envelope !== "string") continue;
      bytes += envelope.length;
      if (batch.length > 0 && bytes > maxBytes) break;
      batch.push({ id, envelope });
    }
    return batch;
  }

  /** Deletes acknowledged events and marks the facts they carried synced, in one transaction. */
  acknowledge(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.write(() => {
      const drop = this.db.prepare("DELETE FROM outbox WHERE id = ?");
      const synced = this.db.prepare("UPDATE facts SET synced = 1 WHERE event_id = ?");
      try {
        for (const id of ids) {
          drop.bind([id]).stepReset();
          synced.bind([id]).stepReset();
        }
      } finally {
        drop.finalize();
        synced.finalize();
      }
    });
  }

  /** Sets an event the master refused aside: it stays, with the reason, and is not sent again. */
  refuse(id: string, reason: string): void {
    this.write(() => this.db.exec({ sql: "UPDATE outbox SET refused = ? WHERE id = ?", bind: [reason.slice(0, 2000) || "refused", id] }));
  }

  pullCursor(): string | null {
    this.assertOpen();
    const value = this.db.selectValue("SELECT position FROM cursors WHERE name = ?", [PULL_CURSOR]);
    return typeof value === "string" ? value : null;
  }

  /**
   * Facts the master learned from other beings: stored as facts (source `master`, already synced,
   * never in the outbox, so nothing echoes back), with the cursor, in one transaction. A fact this
   * being taught itself is skipped (it has it); one seen before is updated. Answers how many were new here.
   */
  absorb(facts: readonly PulledFact[], cursor: string | null): number {
    const added = this.write(() => {
      const before = Number(this.db.selectValue("SELECT count(*) FROM facts") ?? 0);
      const insert = this.db.prepare(
        `INSERT INTO facts(text, embedding, source, confidence, learned_at, synced, master_fact) VALUES (?, ?, 'master', ?, ?, 1, ?)
         ON CONFLICT(master_fact) DO UPDATE SET confidence = excluded.confidence`,
      );
      try {
        for (const fact of facts) {
          if (fact.sources.includes(this.soul)) continue;
          const embedding = new Uint8Array(hashEmbed(fact.text).buffer.slice(0));
          insert.bind([fact.text, embedding, fact.confidence, Date.parse(fact.updated_at) || Date.now(), fact.fact]).stepReset();
        }
      } finally {
        insert.finalize();
      }
      if (cursor !== null) {
        this.db.exec({
          sql: `INSERT INTO cursors(name, position, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
          bind: [PULL_CURSOR, cursor, Date.now()],
        });
      }
      return Number(this.db.selectValue("SELECT count(*) FROM facts") ?? 0) - before;
    });
    this.factCount += added;
    return added;
  }

  /**
   * Records one ledger entry (a Lux run, a plan's reasoner call) with a fresh uuid, the id the master
   * counts it once by however often it is sent. Answers that id.
   */
  recordSpend(item: SpendItem): string {
    checkTiki(item.tiki);
    const id = crypto.randomUUID();
    this.write(() =>
      this.db.exec({
        sql: "INSERT INTO spend(id, branch, task, kind, provider, tiki, ok, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bind: [
          id,
          item.branch,
          item.task ?? null,
          item.kind,
          item.provider ?? null,
          item.tiki,
          item.ok === false ? 0 : 1,
          JSON.stringify(item.detail ?? {}),
          Date.now(),
        ],
      }),
    );
    this.onOutbox?.();
    return id;
  }

  /**
   * Adds `tiki` to the open entry of the same branch, task, kind and provider for the window of `windowMs`
   * that holds `now` (one row per window, however many ticks), or opens one. Nothing for 0 Tiki.
   */
  addSpend(item: SpendItem, now: number, windowMs: number): void {
    checkTiki(item.tiki);
    if (item.tiki === 0) return;
    const openUntil = (Math.floor(now / windowMs) + 1) * windowMs;
    const key = JSON.stringify([item.branch, item.task ?? null, item.kind, item.provider ?? null, openUntil]);
    this.write(() =>
      this.db.exec({
        sql: `INSERT INTO spend(id, branch, task, kind, provider, tiki, ok, detail, created_at, open_until, agg_key) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
              ON CONFLICT(agg_key) DO UPDATE SET tiki = tiki + excluded.tiki, count = count + 1`,
        bind: [
          crypto.randomUUID(),
          item.branch,
          item.task ?? null,
          item.kind,
          item.provider ?? null,
          item.tiki,
          JSON.stringify(item.detail ?? {}),
          now,
          openUntil,
          key,
        ],
      }),
    );
  }

  /**
   * The oldest spend entries ready to send, at most `limit`: every single entry, and every window that
   * closed by `now`. Sealing a window here means nothing is added to a row once it may be on its way.
   */
  peekSpend(limit: number, now: number): SpendEntry[] {
    this.assertOpen();
    // NOTE: looked at every idle cycle; a commit on OPFS costs round trips, so only a window due to close is written.
    if (this.db.selectValue("SELECT 1 FROM spend WHERE agg_key IS NOT NULL AND open_until <= ? LIMIT 1", [now]) !== undefined)
      this.write(() => this.db.exec({ sql: "UPDATE spend SET agg_key = NULL WHERE agg_key IS NOT NULL AND open_until <= ?", bind: [now] }));
    const rows = this.db.selectArrays(
      "SELECT id, branch, task, kind, provider, tiki, ok, detail, count, created_at, open_until FROM spend WHERE agg_key IS NULL AND refused IS NULL ORDER BY rowid LIMIT ?",
      [limit],
    );
    return rows.map((r) => {
      const detail = JSON.parse(toText(r[7]) || "{}") as JsonObject;
      const openUntil = r[10] === null ? null : Number(r[10]);
      return {
        id: toText(r[0]),
        branch: toText(r[1]),
        ...(r[2] !== null && { task: toText(r[2]) }),
        kind: toText(r[3]) as LedgerKind,
        ...(r[4] !== null && { provider: toText(r[4]) }),
        tiki: Number(r[5]),
        ok: Number(r[6]) === 1,
        // NOTE: a window says what it sums: how many additions, from its first one to its end.
        detail:
          openUntil === null
            ? detail
            : { ...detail, count: Number(r[8]), from: new Date(Number(r[9])).toISOString(), until: new Date(openUntil).toISOString() },
      };
    });
  }

  /** Deletes spend entries the master recorded (or had already). */
  acknowledgeSpend(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.write(() => {
      const stmt = this.db.prepare("DELETE FROM spend WHERE id = ? AND agg_key IS NULL");
      try {
        for (const id of ids) stmt.bind([id]).stepReset();
      } finally {
        stmt.finalize();
      }
    });
  }

  /** Keeps an entry the master refused out of later reports (it stays, with the reason). */
  refuseSpend(id: string, reason: string): void {
    this.write(() => this.db.exec({ sql: "UPDATE spend SET refused = ? WHERE id = ?", bind: [reason.slice(0, 2000) || "refused", id] }));
  }

  /** Spend entries not yet in the master's ledger (open windows and refused ones included). */
  spendDepth(): number {
    this.assertOpen();
    return Number(this.db.selectValue("SELECT count(*) FROM spend") ?? 0);
  }

  /** Events waiting in the outbox (refused ones included). */
  depth(): number {
    this.assertOpen();
    return Number(this.db.selectValue("SELECT count(*) FROM outbox") ?? 0);
  }

  /** Events the master refused. */
  refused(): number {
    this.assertOpen();
    return Number(this.db.selectValue("SELECT count(*) FROM outbox WHERE refused IS NOT NULL") ?? 0);
  }

  remember(kind: string, text: string, data?: unknown): void {
    this.write(() => {
      this.db.exec({
        sql: "INSERT INTO memories(at, kind, text, data) VALUES (?, ?, ?, ?)",
        bind: [Date.now(), kind, text, data === undefined ? null : JSON.stringify(data)],
      });
    });
    this.memoryCount += 1;
  }

  /**
   * Stores a fact with its 384-d embedding (float32, little-endian) and, in the same transaction,
   * a `knowledge.learned` event in the outbox that carries it to the master. `source` says where
   * in the being it came from (`plan:<id>`, `lux:report`, `teach`); it travels as the event's subject.
   * Answers the event id, which is the fact's id at the master. Many facts at once: {@link learnMany}.
   *
   * @example const id = world.learn("water boils at 100 °C at sea level", "teach", 0.9);
   */
  learn(text: string, source: string, confidence: number): string {
    return this.learnMany([{ text, source, confidence }])[0]!;
  }

  /**
   * Stores facts as {@link learn} does, all in one transaction: every fact row and its outbox event, or
   * (a bad item, a storage failure part-way) none of them. An item's `embedding`, when given, must be the
   * built-in embedder's vector of its text (the one EMBED made); it is stored as it is instead of being computed
   * again. Answers the event ids, in the order of the items.
   *
   * @example const ids = world.learnMany(docs.map((d) => ({ text: d.text, source: "lux", confidence: 0.8, embedding: d.embedding })));
   */
  learnMany(items: readonly LearnItem[]): string[] {
    this.assertOpen();
    // NOTE: everything is checked before the first insert, so a refusal writes nothing and says which item.
    const facts = items.map((item, i) => {
      const text = item.text.trim();
      const which = items.length > 1 ? ` (item ${i + 1} of ${items.length})` : "";
      if (text.length === 0) throw new MicroWorldError("refused", `A fact needs some text${which}.`);
      if (text.length > MAX_FACT_TEXT) throw new MicroWorldError("refused", `A fact is at most ${MAX_FACT_TEXT} characters${which}; split longer text first.`);
      if (item.embedding && item.embedding.length !== EMBEDDING_DIMENSIONS)
        throw new MicroWorldError(
          "refused",
          `An embedding has ${EMBEDDING_DIMENSIONS} numbers, not ${item.embedding.length}${which}; leave it out to embed the text here.`,
        );
      const confidence = Math.min(1, Math.max(0, Number.isFinite(item.confidence) ? item.confidence : 0.7));
      return { text, source: item.source, confidence, vector: item.embedding ?? hashEmbed(text), branch: item.branch };
    });
    if (facts.length === 0) return [];
    const parent = parseTraceparent(this.trace) ?? undefined;
    const ids = this.write(() => {
      const insertFact = this.db.prepare("INSERT INTO facts(text, embedding, source, confidence, learned_at, synced, event_id) VALUES (?, ?, ?, ?, ?, 0, ?)");
      const insertEvent = this.db.prepare("INSERT INTO outbox(id, type, envelope, created_at) VALUES (?, ?, ?, ?)");
      try {
        return facts.map((fact) => {
          const now = this.ids.now();
          // NOTE: built here from values checked above, so createTrustedEvent skips the envelope's zod pass (most of the
          // cost of a fact); microWorld.test.ts proves these envelopes parse. The embedding stays here: the master's hash
          // embedder makes the same bits from the text, and 384 numbers as JSON would make each push eight times larger.
          const data: LearnedFactData = { text: fact.text, confidence: fact.confidence };
          const event = createTrustedEvent({
            type: LEARNED_EVENT_TYPE,
            source: this.soul,
            // NOTE: a fact learned by traced work (a Lux REPORT) is a span of that trace, and so is its creation at the master.
            trace: parent,
            subject: fact.source.slice(0, MAX_SUBJECT_LENGTH) || undefined,
            data: { ...data },
            branch: fact.branch,
            now: () => now,
            randomBytes: this.ids.randomBytes,
          });
          const at = now.getTime();
          const v = fact.vector;
          insertFact.bind([fact.text, new Uint8Array(v.buffer, v.byteOffset, v.byteLength), fact.source, fact.confidence, at, event.id]).stepReset();
          insertEvent.bind([event.id, event.type, JSON.stringify(event), at]).stepReset();
          return event.id;
        });
      } finally {
        insertFact.finalize();
        insertEvent.finalize();
      }
    });
    this.factCount += ids.length;
    this.onOutbox?.();
    return ids;
  }

  /** Facts as plain text, newest first (for the reasoner's context). */
  recentFacts(limit: number): string[] {
    this.assertOpen();
    return this.db.selectValues("SELECT text FROM facts ORDER BY learned_at DESC LIMIT ?", [limit]).map(String);
  }

  setWorld(key: string, entry: { expected?: unknown; observed?: unknown; observed_at?: number }): void {
    this.write(() => {
      this.db.exec({
        sql: `INSERT INTO world_model(key, expected, observed, observed_at) VALUES (?, ?, ?, ?)
              ON CONFLICT(key) DO UPDATE SET expected = excluded.expected, observed = excluded.observed, observed_at = excluded.observed_at`,
        bind: [
          key,
          entry.expected === undefined ? null : JSON.stringify(entry.expected),
          entry.observed === undefined ? null : JSON.stringify(entry.observed),
          entry.observed_at ?? null,
        ],
      });
    });
  }

  getSetting(key: string): string | null {
    this.assertOpen();
    const value = this.db.selectValue("SELECT value FROM settings WHERE key = ?", [key]);
    return typeof value === "string" ? value : null;
  }

  setSetting(key: string, value: string): void {
    this.write(() => {
      this.db.exec({ sql: "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", bind: [key, value] });
    });
  }

  counts(): { outbox: number; facts: number; memories: number } {
    this.assertOpen();
    const row = this.db.selectArray("SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM facts), (SELECT count(*) FROM memories)") ?? [0, 0, 0];
    return { outbox: Number(row[0]), facts: Number(row[1]), memories: Number(row[2]) };
  }

  tables(): TableInfo[] {
    this.assertOpen();
    const names = this.db.selectValues("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map(String);
    return names.map((name) => {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const columns = this.db.selectValues(`SELECT name FROM pragma_table_info(?)`, [name]).map(String);
      return { name, columns, rows: Number(this.db.selectValue(`SELECT count(*) FROM ${quoted}`) ?? 0) };
    });
  }

  recentEvents(limit: number): RecentEvent[] {
    this.assertOpen();
    const rows = this.db.selectArrays("SELECT envelope FROM outbox ORDER BY rowid DESC LIMIT ?", [limit]);
    return rows.map((row) => {
      const e = JSON.parse(typeof row[0] === "string" ? row[0] : "{}") as { id: string; type: string; time: string; data?: Record<string, unknown> };
      const str = (v: unknown) => (typeof v === "string" ? v : null);
      return {
        id: e.id,
        type: e.type,
        time: e.time,
        layer: str(e.data?.["layer"]),
        decision: str(e.data?.["decision"]),
        rationale: str(e.data?.["rationale"]),
      };
    });
  }

  /**
   * One read-only statement, at most QUERY_ROW_CAP rows. Refuses writes, several statements and
   * anything sqlite itself does not call read-only (`sqlite3_stmt_readonly`).
   */
  query(sql: string): QueryResult {
    this.assertOpen();
    return readOnlyQuery(this.sqlite3, this.db, sql);
  }

  /**
   * Rows of one table as records, at most `limit` (Lux `LOAD rows from`). Blobs come as `null` except a
   * fact's embedding, which Lux has no use for as bytes. Throws a MicroWorldError when there is no such table.
   */
  tableRows(table: string, limit: number): { rows: Record<string, string | number | null>[]; truncated: boolean } {
    this.assertOpen();
    const exists = this.db.selectValue("SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? AND name NOT LIKE 'sqlite_%'", [table]);
    if (exists === undefined) {
      const names = this.tables().map((t) => t.name);
      throw new MicroWorldError("refused", `No table named ${table} in this being's micro-world; it has ${names.join(", ")}.`);
    }
    const rows: Record<string, string | number | null>[] = [];
    let truncated = false;
    this.db.exec({
      sql: `SELECT * FROM "${table.replaceAll('"', '""')}" LIMIT ?`,
      bind: [limit + 1],
      rowMode: "object",
      callback: (row) => {
        if (rows.length === limit) {
          truncated = true;
          return false;
        }
        const out: Record<string, string | number | null> = {};
        for (const [k, v] of Object.entries(row as Record<string, unknown>)) out[k] = v instanceof Uint8Array ? null : toCell(v);
        rows.push(out);
        return undefined;
      },
    });
    return { rows, truncated };
  }

  /** Facts with their stored embeddings, newest first, at most `limit` (offline ASK, RECALL). */
  factVectors(limit: number): { text: string; embedding: Float32Array; source: string; confidence: number; learnedAt: number }[] {
    this.assertOpen();
    return this.db.selectArrays("SELECT text, embedding, source, confidence, learned_at FROM facts ORDER BY learned_at DESC LIMIT ?", [limit]).map((r) => {
      const blob = r[1] instanceof Uint8Array ? r[1] : new Uint8Array(0);
      const embedding = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
      return { text: toText(r[0]), embedding, source: toText(r[2]), confidence: Number(r[3]), learnedAt: Number(r[4]) };
    });
  }

  /** Memories of one kind, newest first, at most `limit`, with their data parsed (Lux RECALL and CLASSIFY's examples). */
  memoriesOf(kind: string, limit: number): { text: string; data: unknown; at: number }[] {
    this.assertOpen();
    return this.db.selectArrays("SELECT text, data, at FROM memories WHERE kind = ? ORDER BY id DESC LIMIT ?", [kind, limit]).map((r) => {
      let data: unknown = null;
      try {
        data = typeof r[1] === "string" ? JSON.parse(r[1]) : null;
      } catch {
        data = null;
      }
      return { text: toText(r[0]), data, at: Number(r[2]) };
    });
  }

  // ------------------------------------------------------------ the flight recorder (microJournal.ts)

  /** Prunes the journal to its bounds now (it also happens every JOURNAL_PRUNE_EVERY commits); answers how many entries went. */
  pruneJournal(bounds: JournalBounds = JOURNAL_BOUNDS): number {
    this.commitsSincePrune = 0;
    return this.write(() => pruneJournal(this.db, this.ids.now().getTime(), bounds));
  }

  /** The recorded moments, newest first (at most `limit`), with each table's floor. */
  journalHistory(limit: number): MicroWorldHistory {
    this.assertOpen();
    const moments = this.db
      .selectArrays(`SELECT at, count(*), group_concat(DISTINCT tbl), max(trace) FROM journal GROUP BY at ORDER BY at DESC LIMIT ?`, [Math.max(1, limit)])
      .map((r) => ({
        at: Number(r[0]),
        changes: Number(r[1]),
        tables: toText(r[2]).split(",").filter(Boolean),
        trace: typeof r[3] === "string" ? r[3] : null,
      }));
    return {
      moments,
      floors: journalFloors(this.db),
      entries: Number(this.db.selectValue("SELECT count(*) FROM journal") ?? 0),
      notRecorded: [
        { table: "settings", why: "the saved mind: rewinding it would hand back Tiki already spent" },
        { table: "cursors", why: "where syncing with the master stands" },
        { table: "outbox", why: "events on their way to the master, which keeps them once sent" },
        { table: "spend", why: "Tiki on its way to the master's ledger" },
      ],
    };
  }

  /** The micro-world as it was at `at`: rebuilt once per moment and kept until the micro-world changes. */
  pastAt(at: number): PastMicroWorld {
    this.assertOpen();
    if (!Number.isFinite(at)) throw new MicroWorldError("refused", "Say which moment: milliseconds since 1970, as the history lists them.");
    const head = Number(this.db.selectValue("SELECT coalesce(max(seq), 0) FROM journal") ?? 0);
    if (this.past && this.past.at === at && this.past.head === head && this.past.world.isOpen) return this.past.world;
    this.past?.world.close();
    this.past = null;
    const world = PastMicroWorld.rebuild(this.sqlite3, this.exportImage(), at);
    this.past = { at, head, world };
    return world;
  }

  /** The moment `at` as the scrubber shows it: each recorded table then, and what changed since. */
  momentAt(at: number): MicroWorldMoment {
    return this.pastAt(at).moment((table) => tableRowsById(this.db, table));
  }

  /**
   * Makes the recorded tables what they were at `at`, in one transaction of new changes (recorded like any other, at
   * this moment and with `trace`): nothing in the history is removed. Tables whose history does not reach back that
   * far are refused, naming them. Answers the changes made per table.
   */
  restoreTo(at: number): MicroWorldRestore {
    this.assertOpen();
    const floors = journalFloors(this.db);
    const short = JOURNALED_TABLE_NAMES.filter((t) => floors[t] > at);
    if (short.length > 0)
      throw new MicroWorldError(
        "refused",
        `The recorded history of ${short.join(", ")} starts after that moment (${new Date(Math.max(...short.map((t) => floors[t]))).toISOString()}), so the micro-world cannot be restored to it: pick a later moment.`,
      );
    const changed = this.write(() => undoAfter(this.db, at, JOURNALED_TABLE_NAMES));
    const restoredAt = Number(this.db.selectValue("SELECT at FROM journal_clock WHERE id = 1") ?? Date.now());
    this.factCount = Number(this.db.selectValue("SELECT count(*) FROM facts") ?? 0);
    this.memoryCount = Number(this.db.selectValue("SELECT count(*) FROM memories") ?? 0);
    return { at, restoredAt, changed };
  }

  /** The current rows of the recorded tables, keyed by rowid, with the columns a person reads (tests compare states with it). */
  recordedState(): Record<string, Map<number, (string | number | null)[]>> {
    this.assertOpen();
    return Object.fromEntries(JOURNALED_TABLES.map((t) => [t.name, tableRowsById(this.db, t)]));
  }

  /** Inserts `count` synthetic facts in one transaction (the benchmark); answers milliseconds. */
  benchInsert(count: number): number {
    const started = performance.now();
    this.write(() => {
      const stmt = this.db.prepare("INSERT INTO memories(at, kind, text, data) VALUES (?, 'bench', ?, NULL)");
      try {
        for (let i = 0; i < count; i++) stmt.bind([i, `row ${i}`]).stepReset();
      } finally {
        stmt.finalize();
      }
    });
    const ms = performance.now() - started;
    this.write(() => this.db.exec("DELETE FROM memories WHERE kind = 'bench'"));
    return ms;
  }

  /** The database as one image (sqlite's serialize): consistent even while the being runs, since the worker is single-threaded. */
  exportImage(): Uint8Array {
    this.assertOpen();
    return this.sqlite3.capi.sqlite3_js_db_export(this.db);
  }

  /** False once closed. */
  get isOpen(): boolean {
    return !this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new MicroWorldError("unknown", "The micro-world is closed; restart the being to open it again.");
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.past?.world.close();
    this.past = null;
    this.db.close();
  }
}
