import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access } from "../../lib/auth/access";
import { createEvent } from "../../lib/events";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { appRouter, createCaller } from "../root";
import { createContext } from "../trpc";
import { failure } from "./testing";

describe("the timeline router", () => {
  let store: MasterStore;
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    api = createCaller(createContext(store));
  });
  afterAll(async () => {
    await store.close();
  });

  it("declares who may call each procedure, with the narrowest rule", () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: Access } } }>;
    const access = Object.fromEntries(
      Object.entries(procedures)
        .filter(([path]) => path.startsWith("timeline."))
        .map(([path, p]) => [path.slice("timeline.".length), p._def.meta?.access]),
    );
    expect(access["beingAt"]).toEqual({ kind: "being", action: "read", field: "soul" });
    expect(access["restoreBeing"]).toEqual({ kind: "being", action: "edit", field: "soul" });
    expect(access["roomAt"]).toEqual({ kind: "room", role: "viewer", field: "room" });
    expect(access["import"]).toEqual({ kind: "owner" });
    expect(access["setRetention"]).toEqual({ kind: "room", role: "owner", field: "room" });
    for (const [name, rule] of Object.entries(access)) expect(rule, name).toBeDefined();
  });

  it("restores a being through the API and logs why on the being's own timeline", async () => {
    const being = await api.beings.create({ genesis: { name: "Mira" }, attributes: { mood: "calm" } });
    const [first] = (await api.timeline.beingHistory({ soul: being.soul })).items;
    await api.beings.update({ soul: being.soul, attributes: { mood: "angry" } });
    const restored = await api.timeline.restoreBeing({ soul: being.soul, moment: { seq: first!.seq } });
    expect(restored.being.attributes).toEqual({ mood: "calm" });
    const page = await api.timeline.query({ being: being.soul.toUpperCase() });
    expect(page.items.map((i) => i.event.type)).toEqual(["master.restore"]);
    expect(page.items[0]!.event).toMatchObject({ source: "master", subject: being.soul, data: { restored_from_seq: first!.seq } });
  });

  it("answers bad input and impossible restores with sentences that say what to do", async () => {
    expect((await failure(api.timeline.trace({ trace: "xyz" }))).message).toMatch(/trace is a W3C trace id: 32 lowercase hex digits/);
    expect(
      (await failure(api.timeline.beingAt({ soul: "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f", moment: { seq: 1, at: "2026-01-01T00:00:00Z" } }))).message,
    ).toMatch(/give seq or at, not both/);
    const soul = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
    const error = await failure(api.timeline.restoreBeing({ soul, moment: { at: "2020-01-01T00:00:00Z" } }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/did not exist in branch main at that moment.*pick a later moment/);
    expect((await failure(api.timeline.setRetention({ room: soul, hot_days: 7 }))).code).toBe("NOT_FOUND");
  });

  it("tails: answers at once when events are there, and the head moves", async () => {
    const { seq } = await api.timeline.head();
    await api.events.push({ events: [createEvent({ type: "system.signal", source: "master", data: { signal: "wake" } })] });
    const tail = await api.timeline.tail({ after: seq, wait_ms: 10_000 });
    expect(tail.items).toHaveLength(1);
    expect(tail.head).toBe(tail.items[0]!.seq);
    expect((await api.timeline.tail({ after: tail.head, wait_ms: 0 })).items).toEqual([]);
  });
});
