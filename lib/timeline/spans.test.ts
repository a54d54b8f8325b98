import { describe, expect, it } from "vitest";
import { createEvent, traceOf, type EventEnvelope } from "../events";
import { seededRandomBytes } from "../events/ids";
import { spansOf } from "./spans";

const SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";

describe("spansOf", () => {
  const randomBytes = seededRandomBytes(8);
  let t = Date.parse("2026-03-01T10:00:00.000Z");
  const at = (ms: number) => () => new Date((t += ms));
  const root = createEvent({
    type: "being.decision",
    source: SOUL,
    now: at(0),
    randomBytes,
    data: { layer: "reflex", decision: "go", rationale: "", alternatives: [], confidence: 1 },
  });
  const a = createEvent({ type: "lux.step", source: SOUL, now: at(10), randomBytes, trace: traceOf(root), data: { duration_ms: 50 } });
  const b = createEvent({ type: "sandbox.call", source: SOUL, now: at(5), randomBytes, trace: traceOf(a), data: { duration_ms: 100 } });

  it("orders depth first by start, indents children, and stretches parents over their children", () => {
    const spans = spansOf([b, root, a]);
    expect(spans.map((s) => [s.name, s.depth])).toEqual([
      ["being.decision", 0],
      ["lux.step", 1],
      ["sandbox.call", 2],
    ]);
    expect(spans[0]!.endMs).toBe(spans[2]!.endMs);
    expect(spans[1]!.endMs).toBe(Date.parse(b.time) + 100);
  });

  it("treats a span whose parent is missing as a root, and survives parent cycles", () => {
    expect(spansOf([a, b]).map((s) => [s.name, s.depth])).toEqual([
      ["lux.step", 0],
      ["sandbox.call", 1],
    ]);
    const x = { ...a, parentspanid: b.spanid } as EventEnvelope;
    const spans = spansOf([x, b]);
    expect(spans).toHaveLength(2);
  });
});
