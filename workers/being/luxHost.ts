/**
 * The Lux host inside a being's worker: LOAD from dropped files, the master (`lux.fetch`, `beings.list`) and
 * the micro-world; REMEMBER/RECALL in the micro-world; REPORT through the outbox (`learn`); ASK the master, or
 * the micro-world when offline; SUMMON at the master; CALL through the page's swarm host.
 */
import { inBranch } from "../../lib/branches/inBranch";
import { MAIN_BRANCH } from "../../lib/constants";
import { cosine, hashEmbed } from "../../lib/embed";
import type { EventEnvelope } from "../../lib/events";
import { MAX_FACT_TEXT } from "../../lib/knowledge/contract";
import { ASK_LIMIT, RECALL_LIMIT } from "../../lib/lux/constants";
import type { LabelledExample, LoadRequest, LuxHost } from "../../lib/lux/LuxHost";
import { fromJson, kindOf, LuxDocument, textOf, toJson, type LuxRecord, type LuxValue } from "../../lib/lux/values";
import { askMaster, OFFLINE_FACTS_SEARCHED } from "./askMaster";
import { LUX_EVENT_BATCH, LUX_EXAMPLES_CAP, LUX_RECALL_SEARCHED, LUX_REPORT_CONFIDENCE, LUX_ROWS_CAP } from "./constants";
import { masterMutation, masterRead } from "./masterFetch";
import type { LearnItem, MicroWorld } from "./microWorld";

/** What the host needs of the micro-world (the real one, or a stand-in in Node tests). */
export type LuxWorld = Pick<MicroWorld, "tableRows" | "factVectors" | "memoriesOf" | "remember" | "learn" | "learnMany" | "write" | "appendOutbox">;

/** A file the user dropped on the editor, passed into the run. */
export interface LuxFile {
  readonly name: string;
  readonly text: string;
}

/** Asks another being through the page (the swarm host); answers JSON. */
export type CallBeing = (being: string, input: unknown, timeoutMs: number) => Promise<unknown>;

export interface BeingLuxHostOptions {
  readonly soul: string;
  readonly world: LuxWorld;
  readonly files?: readonly LuxFile[];
  /** Absent when the page offers no route to other beings (CALL then says so). */
  readonly callBeing?: CallBeing | undefined;
  /** Runs a Python snippet in the being's sandbox (RUN python); absent, RUN says there is no sandbox here. */
  readonly runPython?: ((code: string, signal: AbortSignal) => Promise<{ value: unknown; ms: number }>) | undefined;
  /** Calls a master procedure; defaults to this origin's tRPC (tests pass their own). */
  readonly master?: { mutation: typeof masterMutation; read: typeof masterRead };
  /**
   * The branch the run happens in (main when absent): its master reads see that branch, its writes (SUMMONed beings,
   * REPORTed facts, trace events) land in it, and its REMEMBERed records are marked with it, so RECALL in another branch
   * does not find them.
   */
  readonly branch?: string | undefined;
}

export interface BeingLuxHost extends LuxHost {
  /** Texts the run reported to the master, in order. */
  readonly reported: string[];
  /** The value the run's last REPORT taught (a record stays a record), or undefined before any. */
  lastReported: LuxValue | undefined;
  /** Writes the trace events still buffered to the outbox. Call when the run ends. */
  flush(): void;
}

/** The kind of memory a Lux REMEMBER writes; RECALL and CLASSIFY read these. */
export const LUX_MEMORY_KIND = "lux";

const fetchedSchema = (v: unknown): { text: string; content_type: string } => {
  if (typeof v === "object" && v !== null && "text" in v && typeof v.text === "string")
    return { text: v.text, content_type: "content_type" in v && typeof v.content_type === "string" ? v.content_type : "" };
  throw new Error("the master answered lux.fetch with something unreadable");
};

/** A dropped or fetched body as a value: JSON parsed, NDJSON as a list, anything else as text. */
export function parseBody(text: string, kind: string): LuxValue {
  const lower = kind.toLowerCase();
  if (/json$|\/json|\+json/.test(lower) && !/ndjson|jsonl/.test(lower)) {
    try {
      return fromJson(JSON.parse(text));
    } catch {
      throw new Error(`${kind} is not valid JSON; fix the file or load it as text`);
    }
  }
  if (/ndjson|jsonl/.test(lower)) {
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((line, i) => {
        try {
          return fromJson(JSON.parse(line));
        } catch {
          throw new Error(`line ${i + 1} of ${kind} is not valid JSON`);
        }
      });
  }
  return text;
}

/**
 * `LOAD master query`: a JSON object of `beings.list` filters (`{"tags_any": ["ticket"]}`), or words:
 * `tag:x` (must carry tag x), `any:x` (any of these tags), and other words matched against the name.
 * Never SQL: the master checks the filters like any other `beings.list`.
 */
export function parseMasterQuery(query: string): Record<string, unknown> {
  const q = query.trim();
  if (q.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(q);
    } catch {
      throw new Error('a master query in braces is JSON: beings.list filters such as {"tags_any": ["ticket"]}');
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("a master query in braces is a JSON object of beings.list filters");
    return { limit: 100, ...parsed };
  }
  const tags: string[] = [];
  const any: string[] = [];
  const words: string[] = [];
  for (const word of q.split(/\s+/).filter(Boolean)) {
    if (word.startsWith("tag:")) tags.push(word.slice(4));
    else if (word.startsWith("any:")) any.push(word.slice(4));
    else words.push(word);
  }
  return {
    limit: 100,
    ...(tags.length > 0 && { tags_all: tags }),
    ...(any.length > 0 && { tags_any: any }),
    ...(words.length > 0 && { name: words.join(" ") }),
  };
}

interface ListedBeing {
  soul: string;
  tags: string[];
  energy_level: number;
  genesis: Record<string, unknown>;
  attributes: Record<string, unknown>;
}

function listedBeings(page: unknown): ListedBeing[] {
  if (typeof page !== "object" || page === null || !("items" in page) || !Array.isArray(page.items))
    throw new Error("the master answered beings.list with something unreadable");
  return page.items as ListedBeing[];
}

/** A master being as a Lux record: `text` is what EMBED and CLASSIFY read. */
function beingRecord(b: ListedBeing): LuxRecord {
  const name = typeof b.genesis["name"] === "string" ? b.genesis["name"] : b.soul;
  const text = typeof b.attributes["text"] === "string" ? b.attributes["text"] : typeof b.genesis["description"] === "string" ? b.genesis["description"] : name;
  return fromJson({ soul: b.soul, name, text, tags: b.tags, energy_level: b.energy_level, genesis: b.genesis, attributes: b.attributes }) as LuxRecord;
}

function isRecord(v: LuxValue): v is LuxRecord {
  return kindOf(v) === "record";
}

/** A being's Lux host over its micro-world, the outbox and the master. */
export function createBeingLuxHost(options: BeingLuxHostOptions): BeingLuxHost {
  const { world, soul } = options;
  const branch = options.branch ?? MAIN_BRANCH;
  const call = options.master ?? { mutation: masterMutation, read: masterRead };
  const master = {
    read: (path: string, input: unknown, signal?: AbortSignal) => call.read(path, inBranch(path, input, branch), signal),
    mutation: (path: string, input: unknown, signal?: AbortSignal) => call.mutation(path, inBranch(path, input, branch), signal),
  };
  const files = new Map((options.files ?? []).map((f) => [f.name, f]));
  let buffered: EventEnvelope[] = [];
  const flush = () => {
    if (buffered.length === 0) return;
    const events = buffered;
    buffered = [];
    world.appendOutbox(events);
  };

  const host: BeingLuxHost = {
    reported: [],
    lastReported: undefined,
    flush,
    async load(request: LoadRequest, signal: AbortSignal): Promise<LuxValue> {
      switch (request.kind) {
        case "file": {
          const file = files.get(request.name);
          if (!file) {
            const names = [...files.keys()];
            throw new Error(
              `no file named ${JSON.stringify(request.name)} was dropped on the editor${names.length > 0 ? `; there is ${names.map((n) => JSON.stringify(n)).join(", ")}` : "; drop it on the editor, then run again"}`,
            );
          }
          return parseBody(file.text, file.name.replace(/^.*\./, "."));
        }
        case "url": {
          const page = fetchedSchema(await master.mutation("lux.fetch", { url: request.url }, signal));
          return parseBody(page.text, page.content_type);
        }
        case "rows": {
          const { rows, truncated } = world.tableRows(request.table, LUX_ROWS_CAP);
          if (truncated) throw new Error(`${request.table} has more than ${LUX_ROWS_CAP} rows; LOAD rows reads at most that many`);
          return fromJson(rows);
        }
        case "query": {
          const page = await master.read("beings.list", parseMasterQuery(request.query), signal);
          return listedBeings(page).map(beingRecord);
        }
      }
    },
    async ask(question, signal) {
      const answer = await askMaster(question, {
        k: ASK_LIMIT,
        signal,
        localFacts: () => world.factVectors(OFFLINE_FACTS_SEARCHED),
        ask: (input, s) => master.read("knowledge.ask", input, s),
      });
      return fromJson(answer);
    },
    report(value, _signal, embedded) {
      const items = Array.isArray(value) ? value : [value];
      const facts = items.map((item): LearnItem => {
        const raw = textOf(item);
        const text = raw.trim();
        if (text.length === 0) throw new Error("REPORT needs some text to teach the master");
        if (text.length > MAX_FACT_TEXT)
          throw new Error(`a reported fact is at most ${MAX_FACT_TEXT} characters (this one has ${text.length}); report a summary or split it`);
        const c = isRecord(item) ? item["confidence"] : undefined;
        const confidence = typeof c === "number" && c >= 0 && c <= 1 ? c : LUX_REPORT_CONFIDENCE;
        // NOTE: the built-in embedder normalises (trims) text first, so the vector EMBED made for `raw` is the one for `text`.
        const embedding = item instanceof LuxDocument ? item.embedding : embedded?.(raw);
        return { text, source: "lux", confidence, embedding, branch };
      });
      // NOTE: one batch, one transaction, for the whole REPORT: the facts and their outbox events land together or not at all.
      world.learnMany(facts);
      host.reported.push(...facts.map((f) => f.text));
      host.lastReported = value;
      return Promise.resolve();
    },
    remember(value, key) {
      world.remember(LUX_MEMORY_KIND, textOf(value).slice(0, MAX_FACT_TEXT), { key, value: toJson(value), ...(branch !== MAIN_BRANCH && { branch }) });
      return Promise.resolve();
    },
    recall(query) {
      const q = hashEmbed(query);
      const memories = world.memoriesOf(LUX_MEMORY_KIND, LUX_RECALL_SEARCHED).flatMap((m) => {
        const data = (m.data ?? {}) as { key?: unknown; value?: unknown; branch?: unknown };
        if ((typeof data.branch === "string" ? data.branch : MAIN_BRANCH) !== branch) return [];
        const score = data.key === query ? 2 : cosine(q, hashEmbed(m.text));
        return [{ value: data.value === undefined ? m.text : fromJson(data.value), score }];
      });
      const facts = world.factVectors(LUX_RECALL_SEARCHED).map((f): { value: LuxValue; score: number } => ({
        value: f.text,
        score: cosine(q, f.embedding.length === q.length ? f.embedding : hashEmbed(f.text)),
      }));
      const ranked = [...memories, ...facts]
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, RECALL_LIMIT);
      return Promise.resolve(ranked.map((r) => r.value));
    },
    async summon(name, spec, signal) {
      const json = toJson(spec) as Record<string, unknown>;
      const personality = typeof json["personality"] === "string" ? json["personality"] : "";
      const program = typeof json["program"] === "string" ? json["program"] : "";
      const created = (await master.mutation(
        "beings.create",
        {
          genesis: { name, type: "agent", personality, goal: typeof json["goal"] === "string" ? json["goal"] : program, program, summoned_by: soul },
          attributes: { ...json, reasoner: typeof json["reasoner"] === "string" ? json["reasoner"] : "deterministic" },
          tags: ["summoned"],
        },
        signal,
      )) as { soul?: unknown };
      if (typeof created.soul !== "string") throw new Error("the master answered beings.create without a soul");
      await master.mutation(
        "relationships.create",
        { source_soul: soul, target_soul: created.soul, tags: ["summoned"], genesis: { type: "summoned", by: "lux" } },
        signal,
      );
      return { soul: created.soul, name };
    },
    async call(being, input, timeoutMs) {
      if (!options.callBeing) throw new Error(`CALL needs the page that runs this being: no route to ${being} here`);
      return fromJson(await options.callBeing(being, toJson(input), timeoutMs));
    },
    async run(_language, code, signal) {
      if (!options.runPython) throw new Error("RUN python needs a Python sandbox, and this being's host has none (run the being in a browser tab)");
      const { value, ms } = await options.runPython(code, signal);
      return { value: fromJson(value), ms };
    },
    async examples(labels, signal) {
      const wanted = new Set(labels);
      const local: LabelledExample[] = [];
      for (const m of world.memoriesOf(LUX_MEMORY_KIND, LUX_EXAMPLES_CAP)) {
        const value: unknown = (m.data as { value?: unknown } | null)?.value;
        const candidates: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
        for (const v of candidates) {
          if (typeof v !== "object" || v === null) continue;
          const { label, text } = v as { label?: unknown; text?: unknown };
          if (typeof label === "string" && wanted.has(label)) local.push({ text: typeof text === "string" ? text : m.text, label });
        }
      }
      if (labels.every((l) => local.some((e) => e.label === l))) return local;
      // NOTE: the master's examples are beings tagged `example` with attributes {text, label}; a being that lacks some labels asks for them.
      const page = await master.read("beings.list", { tags_all: ["example"], limit: 200 }, signal);
      const remote = listedBeings(page).flatMap((b) => {
        const label = b.attributes["label"];
        const text = b.attributes["text"];
        return typeof label === "string" && wanted.has(label) && typeof text === "string" ? [{ text, label }] : [];
      });
      return [...local, ...remote];
    },
    reason(text, labels) {
      // NOTE: the being's reasoners plan and answer; choosing a label is a nearest-label vote over the labels' own words.
      const q = hashEmbed(text);
      const best = labels.map((l) => ({ l, s: cosine(q, hashEmbed(l)) })).sort((a, b) => b.s - a.s)[0];
      return Promise.resolve(best?.l ?? labels[0]!);
    },
    emit(event) {
      buffered.push(branch === MAIN_BRANCH ? event : { ...event, branch });
      if (buffered.length >= LUX_EVENT_BATCH) flush();
    },
    now: () => new Date(),
    sleep(ms, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        }
      });
    },
  };
  return host;
}
