import { describe, expect, it } from "vitest";
import { parseEvent } from "../events/eventEnvelope";
import { seededRandomBytes } from "../events/ids";
import { compareDirectives, OVERRIDE_EVENT_TYPE, OVERRIDE_ORDER, resolveOverride, type Directive } from "./override";
import { T0, testSoul } from "./testing";

const SOUL = testSoul(1);
const PEER = testSoul(2);
const NOW = new Date(T0);
const recorder = { source: SOUL, subject: "task:t1", now: () => NOW, randomBytes: seededRandomBytes(3) };

const mission: Directive = { source: "mission", action: "take:t1", reason: "the mission says t1 first", by: "master" as Directive["by"], at: T0 };
const consensus: Directive = {
  source: "consensus",
  action: "take:t2",
  reason: "3 of 4 beings voted that t2 blocks the rest",
  by: "room:team" as Directive["by"],
  at: T0 + 5,
};
const safety: Directive = { source: "safety", action: "halt", reason: "the budget is exhausted", by: SOUL as string as Directive["by"], at: T0 + 9 };

describe("resolveOverride", () => {
  it("orders safety over swarm consensus over mission", () => {
    expect(OVERRIDE_ORDER).toEqual(["safety", "consensus", "mission"]);
    expect(resolveOverride([mission, consensus, safety], recorder)?.winner).toEqual(safety);
    expect(resolveOverride([mission, consensus], recorder)?.winner).toEqual(consensus);
    expect(resolveOverride([safety, mission], recorder)?.winner).toEqual(safety);
    expect(resolveOverride([mission], recorder)?.winner).toEqual(mission);
  });

  it("does not depend on the order the directives arrive in", () => {
    const all = [mission, consensus, safety];
    const orders = [all, [...all].reverse(), [consensus, safety, mission]];
    const decisions = orders.map((order) => resolveOverride(order, recorder));
    for (const decision of decisions) {
      expect(decision?.winner).toEqual(safety);
      expect(decision?.overridden).toEqual([consensus, mission]);
    }
  });

  it("records each override as a valid room.override event with its reason", () => {
    const decision = resolveOverride([mission, consensus], { ...recorder, randomBytes: seededRandomBytes(4) })!;
    expect(decision.overridden).toEqual([mission]);
    const event = decision.event!;
    expect(event.type).toBe(OVERRIDE_EVENT_TYPE);
    expect(event).toMatchObject({ source: SOUL, subject: "task:t1", time: NOW.toISOString() });
    expect(event.data.reason).toBe("consensus overrides mission: 3 of 4 beings voted that t2 blocks the rest");
    expect(event.data.winner).toEqual(consensus);
    expect(event.data.overridden).toEqual([mission]);
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toMatchObject({ ok: true });
  });

  it("names every source it overrode", () => {
    const decision = resolveOverride([mission, consensus, safety], recorder)!;
    expect(decision.event?.data.reason).toBe("safety overrides consensus and mission: the budget is exhausted");
  });

  it("records nothing when the directives agree, and nothing for none", () => {
    const agree = { ...consensus, action: mission.action };
    const decision = resolveOverride([mission, agree], recorder)!;
    expect(decision.winner).toEqual(agree);
    expect(decision.overridden).toEqual([]);
    expect(decision.event).toBeUndefined();
    expect(resolveOverride([], recorder)).toBeUndefined();
  });

  it("within one source, the earliest directive wins, then the action and author, so every being agrees", () => {
    const early = { ...mission, at: T0 - 1, action: "take:t9" };
    expect(resolveOverride([mission, early], recorder)?.winner).toEqual(early);
    const sameTime = { ...mission, action: "take:t0" };
    expect(resolveOverride([mission, sameTime], recorder)?.winner).toEqual(sameTime);
    const otherAuthor = { ...mission, by: PEER as string as Directive["by"] };
    expect(compareDirectives(mission, otherAuthor)).not.toBe(0);
    expect(compareDirectives(mission, { ...mission })).toBe(0);
  });

  it("refuses a directive without a reason or from an unknown source", () => {
    expect(() => resolveOverride([{ ...mission, reason: "" }], recorder)).toThrow(/a directive says why/);
    expect(() => resolveOverride([{ ...mission, source: "whim" as never }], recorder)).toThrow();
  });
});
