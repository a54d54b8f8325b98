import type { EventEnvelope } from "../events";
import type { LuxRecord, LuxValue } from "./values";

/** What LOAD asks the host for, past a literal value. URLs are http or https only (checked before the host sees them). */
export type LoadRequest = { kind: "file"; name: string } | { kind: "url"; url: string } | { kind: "rows"; table: string } | { kind: "query"; query: string };

/** One labelled example for CLASSIFY's k-nearest neighbours. */
export interface LabelledExample {
  readonly text: string;
  readonly label: string;
}

/**
 * Everything a Lux program touches outside itself. The being's worker supplies one wired to the micro-world,
 * the outbox and the master; `createMemoryHost` supplies one for tests and the command line.
 * Every call may be refused by throwing an Error whose message a person can act on.
 */
export interface LuxHost {
  load(request: LoadRequest, signal: AbortSignal): Promise<LuxValue>;
  /** Vector search at the master: answers with their provenance. */
  ask(question: string, signal: AbortSignal): Promise<LuxValue>;
  /**
   * Sends a value to the master through the being's outbox. `embedded` answers the vector EMBED already made
   * for a text in this run (undefined when none did), so a host that stores vectors need not compute them again.
   */
  report(value: LuxValue, signal: AbortSignal, embedded?: (text: string) => Float32Array | undefined): Promise<void>;
  remember(value: LuxValue, key: string | null, signal: AbortSignal): Promise<void>;
  recall(query: string, signal: AbortSignal): Promise<LuxValue[]>;
  /** Creates a child being with a personality and a program; answers with at least its `soul`. */
  summon(name: string, spec: LuxRecord, signal: AbortSignal): Promise<LuxValue>;
  call(being: string, input: LuxValue, timeoutMs: number, signal: AbortSignal): Promise<LuxValue>;
  /** Runs code in the sandbox; `ms` is the CPU time charged. */
  run(language: "python", code: string, signal: AbortSignal): Promise<{ value: LuxValue; ms: number }>;
  /** Labelled examples for these labels, from the micro-world or the master. */
  examples(labels: string[], signal: AbortSignal): Promise<LabelledExample[]>;
  /** Asks the being's reasoner to pick one of `labels` for `text`. */
  reason(text: string, labels: string[], signal: AbortSignal): Promise<string>;
  /** Every event of the run: each step, the start and end, and EMIT. */
  emit(event: EventEnvelope): void | Promise<void>;
  now(): Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
