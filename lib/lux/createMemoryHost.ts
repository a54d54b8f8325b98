import { cosine, hashEmbed } from "../embed";
import type { EventEnvelope } from "../events";
import { ASK_LIMIT, RECALL_LIMIT } from "./constants";
import type { LabelledExample, LoadRequest, LuxHost } from "./LuxHost";
import { fromJson, LuxDocument, textOf, type LuxRecord, type LuxValue } from "./values";

export interface MemoryHostOptions {
  /** Files the user dropped, by name. */
  files?: Record<string, unknown>;
  /** Pages LOAD url may fetch; nothing else is reachable. */
  urls?: Record<string, string>;
  /** Micro-world tables for LOAD rows from. */
  tables?: Record<string, unknown[]>;
  /** Answers to LOAD master query, by query text. */
  queries?: Record<string, unknown[]>;
  /** Labelled examples for CLASSIFY. */
  examples?: LabelledExample[];
  /** What the master knows, searched by ASK; REPORTs join it. */
  facts?: { text: string; source: string }[];
  /** Beings CALL can reach, by name: each answers an input. */
  beings?: Record<string, (input: LuxValue) => LuxValue | Promise<LuxValue>>;
  /** Answers a CALL to any being not in `beings`; absent, such a CALL fails. */
  anyBeing?: (being: string, input: LuxValue) => LuxValue | Promise<LuxValue>;
  /** The reasoner for CLASSIFY … USING reasoner; defaults to the nearest label by embedding. */
  reason?: (text: string, labels: string[]) => string;
  /** Runs Python; absent, RUN fails saying Node has no sandbox. */
  run?: (code: string) => { value: LuxValue; ms: number };
  /** The clock's start; WAIT moves it forward without sleeping. */
  start?: Date;
}

/** An in-memory host, and everything the run did to it. */
export interface MemoryHost extends LuxHost {
  readonly reports: LuxValue[];
  readonly memories: { key: string | null; value: LuxValue }[];
  readonly events: EventEnvelope[];
  readonly summoned: { name: string; spec: LuxRecord; soul: string }[];
  readonly calls: { being: string; input: LuxValue }[];
}

/**
 * A host for tests and the command line: files, tables, examples and beings given up front, reports and
 * events kept in arrays, a virtual clock (WAIT returns at once and moves it). No network.
 *
 * @example const host = createMemoryHost({ examples: [{ text: "refund please", label: "billing" }] })
 */
export function createMemoryHost(options: MemoryHostOptions = {}): MemoryHost {
  let clock = (options.start ?? new Date("2026-01-01T00:00:00.000Z")).getTime();
  const facts = [...(options.facts ?? [])];
  const host: MemoryHost = {
    reports: [],
    memories: [],
    events: [],
    summoned: [],
    calls: [],
    load(request: LoadRequest): Promise<LuxValue> {
      switch (request.kind) {
        case "file": {
          if (!options.files || !Object.hasOwn(options.files, request.name))
            return reject(`no file named ${JSON.stringify(request.name)}; drop it onto the being first`);
          return Promise.resolve(fromJson(options.files[request.name]));
        }
        case "url": {
          if (!options.urls || !Object.hasOwn(options.urls, request.url))
            return reject(`${request.url} is not reachable from the in-memory host, which has no network`);
          return Promise.resolve(options.urls[request.url]!);
        }
        case "rows": {
          if (!options.tables || !Object.hasOwn(options.tables, request.table)) return reject(`no table named ${request.table} in the micro-world`);
          return Promise.resolve(fromJson(options.tables[request.table]));
        }
        case "query":
          return Promise.resolve(fromJson(options.queries?.[request.query] ?? []));
      }
    },
    ask(question) {
      const q = hashEmbed(question);
      const hits = facts
        .map((f) => ({ text: f.text, similarity: round(cosine(q, hashEmbed(f.text))), confidence: 1, corroboration: 1, sources: [f.source] }))
        .filter((f) => f.similarity > 0)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, ASK_LIMIT);
      // NOTE: the same shape as a being's ASK (workers/being/askMaster.ts), so programs run alike in both.
      return Promise.resolve({ answer: hits[0]?.text ?? "", answered_by: "memory-host", offline: false, why: null, hits });
    },
    report(value) {
      host.reports.push(value);
      for (const item of Array.isArray(value) ? value : [value]) facts.push({ text: textOf(item), source: "report" });
      return Promise.resolve();
    },
    remember(value, key) {
      host.memories.push({ key, value });
      return Promise.resolve();
    },
    recall(query) {
      const q = hashEmbed(query);
      const ranked = host.memories
        .map((m) => ({ m, score: m.key === query ? 2 : cosine(q, m.value instanceof LuxDocument ? m.value.embedding : hashEmbed(textOf(m.value))) }))
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, RECALL_LIMIT);
      return Promise.resolve(ranked.map((r) => r.m.value));
    },
    summon(name, spec) {
      const n = host.summoned.length + 1;
      const soul = `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
      host.summoned.push({ name, spec, soul });
      return Promise.resolve({ soul, name });
    },
    async call(being, input) {
      const answer = options.beings && Object.hasOwn(options.beings, being) ? options.beings[being] : undefined;
      const any = options.anyBeing;
      if (!answer && !any) throw new Error(`no being named ${JSON.stringify(being)} answers here`);
      host.calls.push({ being, input });
      return answer ? answer(input) : any!(being, input);
    },
    run(_language, code) {
      if (!options.run)
        return reject(
          "RUN python runs only in a being in the browser, whose sandbox keeps Python away from the network, storage and the page; Node has no such sandbox",
        );
      return Promise.resolve(options.run(code));
    },
    examples(labels) {
      return Promise.resolve((options.examples ?? []).filter((e) => labels.includes(e.label)));
    },
    reason(text, labels) {
      if (options.reason) return Promise.resolve(options.reason(text, labels));
      const q = hashEmbed(text);
      const best = labels.map((l) => ({ l, s: cosine(q, hashEmbed(l)) })).sort((a, b) => b.s - a.s)[0];
      return Promise.resolve(best?.l ?? labels[0]!);
    },
    emit(event) {
      host.events.push(event);
    },
    now: () => new Date(clock),
    sleep(ms, signal) {
      if (signal.aborted) return Promise.resolve();
      clock += ms;
      return Promise.resolve();
    },
  };
  return host;
}

function reject(message: string): Promise<never> {
  return Promise.reject(new Error(message));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
