import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent } from "../../lib/events";
import { parseCloudEventsNdjson } from "../../lib/events/cloudEvents";
import { ARCHIVED_ROOM_UPDATE_TYPE } from "./retention";
import type { MasterStore } from "./store";
import { testBackends } from "./testing";
import { roomView } from "./timeTravel";

const DAY = 86_400_000;
const NOW = new Date("2026-06-30T12:00:00.000Z");

describe.each(testBackends())("retention on $name", (backend) => {
  let store: MasterStore;
  let dataDir: string;
  beforeAll(async () => {
    store = await backend.open();
    dataDir = await mkdtemp(path.join(tmpdir(), "luxos-retention-"));
  });
  afterAll(async () => {
    await backend.dispose(store);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps N days hot, archives and compacts the rest, and leaves other rooms alone", async () => {
    const room = await store.rooms.create({ name: "Old hall", owner: "ada" });
    const other = await store.rooms.create({ name: "No policy", owner: "ada" });
    const soul = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";
    const message = (to: string, daysAgo: number) =>
      createEvent({
        type: "being.message",
        source: soul,
        now: () => new Date(NOW.getTime() - daysAgo * DAY),
        data: { to: `room:${to}`, text: `${daysAgo} days ago` },
      });
    const old = [message(room.id, 30), message(room.id, 12), message(room.id, 8)];
    const hot = [message(room.id, 6), message(room.id, 1)];
    const elsewhere = [message(other.id, 40)];
    await store.events.push([...old, ...hot, ...elsewhere]);

    // room history: updates 20 and 10 days old, then 2 days old
    const doc = new Y.Doc();
    const append = async (daysAgo: number, change: () => void) => {
      const updates: Uint8Array[] = [];
      const off = (u: Uint8Array) => updates.push(u);
      doc.on("update", off);
      change();
      doc.off("update", off);
      for (const u of updates) {
        await store.sql.query(
          "INSERT INTO room_updates (room_soul, update, created_at) VALUES ($1, $2, $3::timestamptz AT TIME ZONE current_setting('TimeZone'))",
          [room.id, u, new Date(NOW.getTime() - daysAgo * DAY).toISOString()],
        );
      }
    };
    await append(20, () => doc.getArray("messages").push(["first"]));
    await append(10, () => doc.getMap("missions").set("m1", { title: "dig" }));
    const atCutoff = roomView(doc);
    await append(2, () => doc.getText("notes").insert(0, "recent"));

    expect(await store.retention.set(room.id, 7)).toMatchObject({ room: room.id, room_name: "Old hall", hot_days: 7, last_run_at: null });
    const runs = await store.retention.runDue(dataDir, NOW);
    expect(runs).toHaveLength(1);
    const archive = runs[0]!.archive!;
    expect(archive).toMatchObject({ room: room.id, events: 3, room_updates: 2 });

    // hot: what the policy keeps; the other room is untouched
    const left = await store.timeline.query({ room: room.id }, { limit: 50 });
    expect(left.items.map((i) => i.event.id).sort()).toEqual(hot.map((e) => e.id).sort());
    expect((await store.timeline.query({ room: other.id }, { limit: 50 })).items).toHaveLength(1);

    // the archive holds exactly what left, as CloudEvents, and the events in it import as they were
    const text = gunzipSync(await readFile(path.join(dataDir, archive.file))).toString("utf8");
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; id: string });
    expect(lines.filter((l) => l.type === ARCHIVED_ROOM_UPDATE_TYPE)).toHaveLength(2);
    const events = parseCloudEventsNdjson(
      lines
        .filter((l) => l.type !== ARCHIVED_ROOM_UPDATE_TYPE)
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    expect(events.problems).toEqual([]);
    expect(events.events).toEqual(old);

    // the room is the same now, and as it was at the cutoff, from the compacted snapshot
    expect((await store.timeTravel.roomAt(room.id, {})).view).toEqual(roomView(doc));
    const compacted = await store.timeTravel.roomAt(room.id, { at: new Date(NOW.getTime() - 7 * DAY).toISOString() });
    expect(compacted.view).toEqual(atCutoff);
    expect(compacted.history_starts).toBe(new Date(NOW.getTime() - 10 * DAY).toISOString().replace("Z", "000Z"));
    const [{ n }] = (await store.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM room_history WHERE room = $1", [room.id])) as [{ n: number }];
    expect(n).toBe(1);

    // not due again within the hour; a later run with nothing old writes no archive
    expect(await store.retention.runDue(dataDir, new Date(NOW.getTime() + 60_000))).toEqual([]);
    expect((await store.retention.run(room.id, dataDir, new Date(NOW.getTime() + 60_000)))!.archive).toBeNull();
    expect(await store.retention.archives(room.id)).toHaveLength(1);

    // removing the policy keeps everything from then on
    expect(await store.retention.set(room.id, null)).toBeNull();
    expect(await store.retention.run(room.id, dataDir, new Date(NOW.getTime() + 100 * DAY))).toBeNull();
    expect((await store.timeline.query({ room: room.id }, { limit: 50 })).items).toHaveLength(2);
  });
});
