/**
 * One Lux run in a being as one trace (issue 9): the interpreter's `lux.start` is the run's root span
 * (a child of the caller's decision when the request named one), its steps are children of it, and so
 * is each call the run makes outside the worker: a `sandbox.call` for RUN python through the kernel, a
 * `lux.master_call` for each master procedure, whose span travels to the master as the W3C `traceparent`
 * header so the writes it makes record it. What the run writes in the micro-world records the root's
 * traceparent in the flight recorder's journal, and the facts it REPORTs are spans of the run.
 */
import { createEvent, formatTraceparent, traceOf, type EventEnvelope, type TraceContext } from "../../lib/events";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { BeingLuxHost, BeingLuxHostOptions, LuxWorld } from "./luxHost";
import type { MicroWorld } from "./microWorld";

type Master = NonNullable<BeingLuxHostOptions["master"]>;

const SOUL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The being a master call answered with (`beings.create`'s new soul), so the timeline can find the write it made. */
function soulIn(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && "soul" in value && typeof value.soul === "string" && SOUL.test(value.soul) ? { soul: value.soul } : {};
}

export function createRunTracing(soul: string, world: MicroWorld) {
  let root: TraceContext | null = null;
  let host: BeingLuxHost | null = null;

  /** Runs `fn` with the run's traceparent on the micro-world, so its commits record it (and only its commits: the mind writes between awaits). */
  const traced = <T>(fn: () => T): T => {
    const before = world.trace;
    world.trace = root ? formatTraceparent(root) : before;
    try {
      return fn();
    } finally {
      world.trace = before;
    }
  };

  /** A child span of the run for outside work: its event is emitted when the work ends, with its duration and outcome. */
  async function span<T>(
    type: string,
    data: JsonObject,
    work: (traceparent: string | undefined) => Promise<T>,
    describe?: (value: T) => JsonObject,
  ): Promise<T> {
    if (!root || !host) return work(undefined);
    const started = new Date();
    const event = createEvent({ type, source: soul, data, trace: root, now: () => started });
    const began = performance.now();
    let outcome: JsonObject = { ok: false };
    try {
      const value = await work(formatTraceparent(event));
      outcome = { ok: true, ...describe?.(value) };
      return value;
    } finally {
      // NOTE: the span keeps the id it was sent with; only its data learns how the call ended.
      const ended: EventEnvelope = { ...event, data: { ...data, ...outcome, duration_ms: Math.round(performance.now() - began) } };
      // NOTE: the being's host buffers events for the outbox and never rejects; a failure there is its own onError's.
      void Promise.resolve(host.emit(ended)).catch(() => undefined);
    }
  }

  const tracedWorld: LuxWorld = {
    tableRows: (table, limit) => world.tableRows(table, limit),
    factVectors: (limit) => world.factVectors(limit),
    memoriesOf: (kind, limit) => world.memoriesOf(kind, limit),
    remember: (kind, text, data) => traced(() => world.remember(kind, text, data)),
    learn: (text, source, confidence) => traced(() => world.learn(text, source, confidence)),
    learnMany: (items) => traced(() => world.learnMany(items)),
    write: (fn) => traced(() => world.write(fn)),
    appendOutbox: (events) => traced(() => world.appendOutbox(events)),
  };

  return {
    /** The micro-world as the run's host sees it: its writes carry the run's trace. */
    world: tracedWorld,
    span,
    /** The master as the run reaches it: each call a `lux.master_call` span whose traceparent goes along as the header. */
    master: (master: Master): Master => ({
      read: (path, input, signal, _traceparent) => span("lux.master_call", { path, kind: "read" }, (tp) => master.read(path, input, signal, tp)),
      mutation: (path, input, signal, _traceparent) =>
        span("lux.master_call", { path, kind: "mutation" }, (tp) => master.mutation(path, input, signal, tp), soulIn),
    }),
    /** Watches the host's events for the run's root (`lux.start`, emitted before the first step). Call once, before the run starts. */
    attach(luxHost: BeingLuxHost): void {
      host = luxHost;
      const emit = luxHost.emit.bind(luxHost);
      luxHost.emit = (event) => {
        if (!root && event.type === "lux.start") root = traceOf(event);
        return emit(event);
      };
    },
    /** The run's root span, once it started. */
    get root(): TraceContext | null {
      return root;
    },
  };
}
