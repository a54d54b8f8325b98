import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createEvent, traceOf } from "../events";
import { seededRandomBytes } from "../events/ids";
import { toAnyValue, toOtlpTraces } from "./otlp";

// The OTLP/JSON shape of ExportTraceServiceRequest (opentelemetry-proto, JSON encoding): ids are hex, 64-bit
// integers are decimal strings, AnyValue has exactly one of its fields, enums are integers.
const anyValue: z.ZodType = z.lazy(() =>
  z.union([
    z.strictObject({ stringValue: z.string() }),
    z.strictObject({ boolValue: z.boolean() }),
    z.strictObject({ intValue: z.string().regex(/^-?\d+$/) }),
    z.strictObject({ doubleValue: z.number() }),
    z.strictObject({ arrayValue: z.strictObject({ values: z.array(anyValue) }) }),
    z.strictObject({ kvlistValue: z.strictObject({ values: z.array(keyValue) }) }),
  ]),
);
const keyValue = z.strictObject({ key: z.string().min(1), value: anyValue });
const otlpTraces = z.strictObject({
  resourceSpans: z.array(
    z.strictObject({
      resource: z.strictObject({ attributes: z.array(keyValue) }),
      scopeSpans: z.array(
        z.strictObject({
          scope: z.strictObject({ name: z.string(), version: z.string() }),
          spans: z.array(
            z.strictObject({
              traceId: z.string().regex(/^[0-9a-f]{32}$/),
              spanId: z.string().regex(/^[0-9a-f]{16}$/),
              parentSpanId: z
                .string()
                .regex(/^[0-9a-f]{16}$/)
                .optional(),
              name: z.string().min(1),
              kind: z.number().int().min(0).max(5),
              startTimeUnixNano: z.string().regex(/^\d+$/),
              endTimeUnixNano: z.string().regex(/^\d+$/),
              attributes: z.array(keyValue),
              status: z.strictObject({ code: z.number().int() }),
            }),
          ),
        }),
      ),
    }),
  ),
});

const SOUL = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";

describe("toOtlpTraces", () => {
  const randomBytes = seededRandomBytes(4);
  let t = Date.parse("2026-03-01T10:00:00.000Z");
  const now = () => new Date((t += 5));
  const decision = createEvent({
    type: "being.decision",
    source: SOUL,
    now,
    randomBytes,
    data: { layer: "supervision", decision: "plan", rationale: "goal pending", alternatives: [{ option: "idle", reason: "no" }], confidence: 0.5 },
  });
  const step = createEvent({ type: "lux.step", source: SOUL, now, randomBytes, trace: traceOf(decision), data: { line: 3, duration_ms: 40 } });
  const call = createEvent({ type: "sandbox.call", source: SOUL, now, randomBytes, trace: traceOf(step), data: { fn: "score", ok: true, duration_ms: 10 } });
  const write = createEvent({ type: "master.write", source: "master", now, randomBytes, trace: traceOf(call), data: { target: "being:x" } });

  it("writes the OTLP/JSON shape a collector accepts, one resource per source", () => {
    const body = toOtlpTraces([write, call, decision, step]);
    expect(otlpTraces.safeParse(JSON.parse(JSON.stringify(body))).error).toBeUndefined();
    expect(body.resourceSpans.map((r) => r.resource.attributes[0]!.value)).toEqual([{ stringValue: "luxos-being" }, { stringValue: "luxos-master" }]);
  });

  it("links the decision, the Lux step, the sandbox call and the master write in one trace", () => {
    const spans = toOtlpTraces([write, call, decision, step]).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([decision.traceid]));
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName["being.decision"]!.parentSpanId).toBeUndefined();
    expect(byName["lux.step"]!.parentSpanId).toBe(decision.spanid);
    expect(byName["sandbox.call"]!.parentSpanId).toBe(step.spanid);
    expect(byName["master.write"]!.parentSpanId).toBe(call.spanid);
    // times in nanoseconds; a parent lasts until its last child ends
    expect(byName["being.decision"]!.startTimeUnixNano).toBe(`${Date.parse(decision.time)}000000`);
    expect(byName["lux.step"]!.endTimeUnixNano).toBe(`${Date.parse(step.time) + 40}000000`);
    expect(BigInt(byName["being.decision"]!.endTimeUnixNano)).toBe(BigInt(byName["lux.step"]!.endTimeUnixNano));
    const attrs = Object.fromEntries(byName["being.decision"]!.attributes.map((a) => [a.key, a.value]));
    expect(attrs["luxos.data.confidence"]).toEqual({ doubleValue: 0.5 });
    expect(attrs["luxos.event.id"]).toEqual({ stringValue: decision.id });
  });

  it("maps JSON values to AnyValue", () => {
    expect(toAnyValue(3)).toEqual({ intValue: "3" });
    expect(toAnyValue(null)).toEqual({ stringValue: "" });
    expect(toAnyValue([1, "a"])).toEqual({ arrayValue: { values: [{ intValue: "1" }, { stringValue: "a" }] } });
    expect(toAnyValue({ a: true })).toEqual({ kvlistValue: { values: [{ key: "a", value: { boolValue: true } }] } });
  });
});
