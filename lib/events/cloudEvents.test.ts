import { describe, expect, it } from "vitest";
import { createRandom } from "../random";
import { randomObject } from "../randomJson";
import { fromCloudEvent, parseCloudEventsNdjson, toCloudEventsNdjson } from "./cloudEvents";
import { createEvent } from "./createEvent";
import { seededRandomBytes } from "./ids";
import { formatTraceparent, parseTraceparent } from "./traceparent";

describe("CloudEvents NDJSON", () => {
  it("round-trips random events exactly (seeded)", () => {
    for (const seed of [1, 2, 3]) {
      const rng = createRandom(seed);
      const events = Array.from({ length: 50 }, (_, i) =>
        createEvent({
          type: `custom.kind_${i % 4}`,
          source: "master",
          subject: rng.bool() ? `s${i}` : undefined,
          data: randomObject(rng, 3, true),
          randomBytes: seededRandomBytes(seed * 100 + i),
        }),
      );
      const text = toCloudEventsNdjson(events);
      expect(text.split("\n")).toHaveLength(51);
      expect(parseCloudEventsNdjson(text)).toEqual({ events, problems: [] });
    }
  });

  it("refuses another content type and reports bad lines by number", () => {
    const event = createEvent({ type: "system.signal", source: "master", data: { signal: "wake" } });
    expect(fromCloudEvent({ ...event, datacontenttype: "text/xml" }).ok).toBe(false);
    const { events, problems } = parseCloudEventsNdjson(`\n${JSON.stringify(event)}\n{oops\n{"id":1}\n`);
    expect(events).toEqual([event]);
    expect(problems.map((p) => p.line)).toEqual([3, 4]);
  });
});

describe("traceparent", () => {
  it("formats and parses W3C trace context, refusing all-zero ids", () => {
    const trace = { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" };
    expect(formatTraceparent(trace)).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(parseTraceparent(formatTraceparent(trace))).toEqual(trace);
    expect(parseTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeNull();
    expect(parseTraceparent("garbage")).toBeNull();
  });
});
