import { describe, expect, it } from "vitest";
import { createRandom, type Random } from "../random";
import { randomJson, randomObject } from "../randomJson";
import { createEvent } from "./createEvent";
import { EVENT_DATA_SCHEMAS, isKnownEventType } from "./eventKinds";
import { jsonDataProblem, parseEvent, type EventEnvelope } from "./eventEnvelope";
import { seededRandomBytes } from "./ids";

const REQUIRED = ["id", "specversion", "envelopeversion", "type", "source", "time", "traceid", "spanid", "data"];
const OPTIONAL = ["subject", "branch", "parentspanid", "dataschema"];
const STRING_FIELDS = ["id", "type", "source", "subject", "time", "branch", "traceid", "spanid", "parentspanid", "dataschema"];
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Infinity,
  -0,
  10n,
  Symbol("s"),
  () => 1,
  new Date(0),
  [],
  {},
  "",
  "x".repeat(600),
  "\ud800",
  new Map(),
];
const CHARS = ["a", "Z", "0", "f", "-", ".", ":", " ", "é", "\u0000", "🧠"];

/** A valid event of a random kind, with all optional fields present half the time. */
function validEvent(rng: Random, seed: number): EventEnvelope {
  const randomBytes = seededRandomBytes(seed);
  const now = () => new Date(Date.UTC(2025, 0, 1) + rng.int(0, 1e9));
  const soul = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
  const base = { source: rng.pick([soul, "master", "room:lobby"]), now, randomBytes, branch: rng.pick([undefined, "main", "exp.1"]) };
  const extras = rng.bool()
    ? { subject: "goal-1", dataschema: "luxos:being.decision/1", trace: { traceid: "4bf92f3577b34da6a3ce929d0e0e4736", spanid: "00f067aa0ba902b7" } }
    : {};
  switch (rng.int(0, 4)) {
    case 0:
      return createEvent({
        ...base,
        ...extras,
        type: "being.decision",
        data: { layer: "reflex", decision: "halt", rationale: "budget", alternatives: [], confidence: 1 },
      });
    case 1:
      return createEvent({
        ...base,
        ...extras,
        type: "being.state",
        data: { target: "world.door", before_hash: "0badc0de", after_hash: "deadbeef", diff: { open: true }, reversible: true },
      });
    case 2:
      return createEvent({ ...base, ...extras, type: "being.message", data: { to: "master", text: "hello" } });
    case 3:
      return createEvent({ ...base, ...extras, type: "system.signal", data: { signal: "pause" } });
    default:
      return createEvent({ ...base, ...extras, type: "lux.step", data: randomObject(rng, 3, true) });
  }
}

function oddOrJson(rng: Random): unknown {
  return rng.bool(0.4) ? rng.pick(ODD_VALUES) : randomJson(rng, 2, true);
}

/** One random mutation; returns the kind so single mutations can be checked against the oracle. */
function mutate(rng: Random, target: Record<string, unknown>): string {
  const keys = Object.keys(target);
  switch (rng.int(0, 6)) {
    case 0: {
      const key = rng.pick([...REQUIRED, ...OPTIONAL]);
      delete target[key];
      return `delete:${key}`;
    }
    case 1:
      target[rng.pick(keys.length > 0 ? keys : ["id"])] = oddOrJson(rng);
      return "set";
    case 2: {
      const key = rng.pick(STRING_FIELDS);
      const value = target[key];
      if (typeof value !== "string") return "noop";
      const at = rng.int(0, value.length);
      const op = rng.int(0, 2);
      const char = rng.pick(CHARS);
      target[key] =
        op === 0
          ? value.slice(0, at) + char + value.slice(at)
          : op === 1
            ? value.slice(0, at) + value.slice(at + 1)
            : value.slice(0, at) + char + value.slice(at + 1);
      return "edit";
    }
    case 3:
      target[rng.pick(["extra", "datacontenttype", "__proto__x"])] = oddOrJson(rng);
      return "add";
    case 4: {
      const data = target["data"];
      if (typeof data !== "object" || data === null || Array.isArray(data)) return "noop";
      const dataKeys = Object.keys(data);
      if (rng.bool() && dataKeys.length > 0) delete (data as Record<string, unknown>)[rng.pick(dataKeys)];
      else (data as Record<string, unknown>)[rng.pick([...dataKeys, "extra"])] = oddOrJson(rng);
      return "data";
    }
    case 5:
      target["type"] = rng.pick(["being.decision", "being.state", "being.message", "system.signal", "x.y"]);
      return "retype";
    default:
      target["data"] = oddOrJson(rng);
      return "replace-data";
  }
}

/** What must hold of anything parseEvent accepts. */
function checkAccepted(event: EventEnvelope, label: string) {
  expect(parseEvent(event), label).toEqual({ ok: true, value: event });
  // NOTE: compared as JSON, the wire form: JSON itself turns -0 into 0.
  const wire = JSON.stringify(event);
  const again = parseEvent(JSON.parse(wire));
  expect(again.ok && JSON.stringify(again.value), label).toBe(wire);
  expect(jsonDataProblem(event.data), label).toBeNull();
  expect(event.id, label).toMatch(/^[0-9a-f-]{36}$/);
  if (isKnownEventType(event.type)) expect(EVENT_DATA_SCHEMAS[event.type].safeParse(event.data).success, label).toBe(true);
}

describe("parseEvent under random mutation (seeded fuzz)", () => {
  it("accepts valid events, and either accepts-and-keeps-valid or refuses-with-a-message every mutation; never throws", () => {
    let accepted = 0;
    let refused = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const rng = createRandom(seed);
      const event = validEvent(rng, seed);
      checkAccepted(event, `seed ${seed} (unmutated)`);
      const target = structuredClone(event) as unknown as Record<string, unknown>;
      const count = rng.int(1, 3);
      const kinds = Array.from({ length: count }, () => mutate(rng, target));
      const input: unknown = rng.bool(0.03) ? oddOrJson(rng) : target;
      const label = `seed ${seed}: ${kinds.join(", ")}`;

      const result = parseEvent(input);
      if (result.ok) {
        accepted++;
        checkAccepted(result.value, label);
      } else {
        refused++;
        expect(result.error.message, label).toMatch(/^not a valid event: \S/);
        expect(result.error.issues.length, label).toBeGreaterThan(0);
      }

      // The oracle for single mutations whose outcome is certain.
      const only = count === 1 && input === target ? kinds[0]! : "";
      if (REQUIRED.some((key) => only === `delete:${key}`) || only === "add") expect(result.ok, label).toBe(false);
      if (OPTIONAL.some((key) => only === `delete:${key}`)) expect(result.ok, label).toBe(true);
    }
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(300);
  });
});
