import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Soul } from "../ids";
import { createRandom, type Random } from "../random";
import { backOff, claimStatus, claimTask, finishTask, pickNextTask, reapStaleClaims, releaseTask, viewBoard } from "./claims";
import { CLAIM_STALE_AFTER_MS } from "./constants";
import { createRoomDoc, type RoomDoc } from "./roomDoc";
import type { TaskId } from "./roomSchema";
import { roomWithMission, T0, testSoul } from "./testing";

/**
 * Property test of the claim protocol: 3–10 in-memory peers, each hosting one or two beings, claim
 * random tasks concurrently; updates travel in random order with random delays, peers drop off (losing
 * what was in flight) and work offline, beings leave and rejoin, time jumps. After a full sync every
 * replica shows the same board, every task has exactly one owner (none if no live claim), that owner
 * is the one an independent oracle computes from the raw claims, and backing off never changes it.
 */
const SCENARIOS = Number(process.env["CLAIM_SCENARIOS"] ?? 500);
/** Seeds that once failed stay here as regressions (none so far). */
const PINNED_SEEDS: number[] = [];

interface Peer {
  id: string;
  room: RoomDoc;
  online: boolean;
  beings: Soul[];
}
interface Message {
  to: number;
  update: Uint8Array;
}
interface Stats {
  contested: number;
  backOffs: number;
  finished: number;
}

/** The owner computed straight from the raw maps, written without the library's helpers. */
function oracleOwner(doc: Y.Doc, task: TaskId, now: number): string | undefined {
  type RawClaim = { task: string; claimant: string; clock: number; tiebreak: number; at: number };
  type RawRoster = { status: string; status_at: number };
  const roster = doc.getMap("roster").toJSON() as Record<string, RawRoster>;
  const claims = Object.values(doc.getMap("claims").toJSON() as Record<string, RawClaim>).filter((c) => c.task === task);
  const alive = (c: RawClaim) => {
    const entry = roster[c.claimant];
    if (!entry) return now - c.at < CLAIM_STALE_AFTER_MS;
    return entry.status !== "left" || now - entry.status_at < CLAIM_STALE_AFTER_MS;
  };
  const best = (list: RawClaim[]) =>
    [...list].sort((a, b) => a.clock - b.clock || a.tiebreak - b.tiebreak || (a.claimant < b.claimant ? -1 : a.claimant > b.claimant ? 1 : 0))[0];
  const live = claims.filter(alive);
  const authors = new Set(
    Object.values(doc.getMap("outcomes").toJSON() as Record<string, { task: string; by: string }>)
      .filter((o) => o.task === task)
      .map((o) => o.by),
  );
  const counted = claims.filter((c) => authors.has(c.claimant) && best([c, ...live.filter((l) => l !== c)]) === c);
  return (best(counted) ?? best(live))?.claimant;
}

function boardOf(room: RoomDoc, now: number): string {
  return JSON.stringify(viewBoard(room.read(), now).map((v) => [v.id, v.status, v.owner ?? null]));
}

/** One being's turn: back off where it lost, then finish, release or claim. */
function act(rng: Random, peer: Peer, being: Soul, taskIds: readonly TaskId[], now: number, stats: Stats): void {
  const state = peer.room.read();
  if (state.roster.get(being)?.status !== "running") return;
  for (const view of viewBoard(state, now)) {
    if (view.status === "claimed" && view.owner !== being && view.claims.some((c) => c.claimant === being)) {
      if (backOff(peer.room, view.id, being, now)) stats.backOffs++;
    }
  }
  // Mostly the first open task (the most contested), sometimes a random one.
  const skip = rng.bool(0.3) ? new Set(taskIds.filter(() => rng.bool())) : undefined;
  const next = pickNextTask(peer.room.read(), being, now, { skip });
  if (!next) return;
  if (next.owner === being) {
    const roll = rng.next();
    if (roll < 0.3 && finishTask(peer.room, { task: next.id, claimant: being, status: rng.pick(["done", "failed"] as const), now }).ok) stats.finished++;
    else if (roll < 0.4) releaseTask(peer.room, next.id, being, now);
    return;
  }
  claimTask(peer.room, { task: next.id, claimant: being, peer: peer.id, now, tiebreak: rng.int(0, 0xffffffff) });
}

function syncPair(a: Peer, b: Peer): void {
  Y.applyUpdate(b.room.doc, Y.encodeStateAsUpdate(a.room.doc, Y.encodeStateVector(b.room.doc)), "remote");
  Y.applyUpdate(a.room.doc, Y.encodeStateAsUpdate(b.room.doc, Y.encodeStateVector(a.room.doc)), "remote");
}

/** Runs one scenario; returns why it failed, or undefined. */
function runScenario(seed: number, stats: Stats): string | undefined {
  const rng = createRandom(seed);
  const taskCount = rng.int(1, 12);
  // NOTE: Yjs breaks ties between concurrent writes by client id, so ids come from the seed too.
  const clientId = (i: number) => 1 + i * 7919 + rng.int(0, 7918);
  const originDoc = new Y.Doc();
  originDoc.clientID = clientId(0);
  const { room: origin, taskIds } = roomWithMission(taskCount, originDoc);
  let soulN = 1;
  const peers: Peer[] = Array.from({ length: rng.int(3, 10) }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = clientId(i + 1);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(origin.doc));
    return { id: `peer-${i}`, room: createRoomDoc(doc), online: true, beings: Array.from({ length: rng.int(1, 2) }, () => testSoul(seed * 100 + soulN++)) };
  });
  origin.doc.destroy();

  const inFlight: Message[] = [];
  peers.forEach((peer, from) =>
    peer.room.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "remote" || !peer.online) return;
      for (let to = 0; to < peers.length; to++) if (to !== from) inFlight.push({ to, update });
    }),
  );
  let now = T0;
  for (const peer of peers) for (const being of peer.beings) peer.room.join(being, { name: `being ${being.slice(-4)}`, host: peer.id, now });

  const steps = rng.int(30, 150);
  for (let step = 0; step < steps; step++) {
    const roll = rng.next();
    const i = rng.int(0, peers.length - 1);
    const peer = peers[i]!;
    if (roll < 0.35) act(rng, peer, rng.pick(peer.beings), taskIds, now, stats);
    else if (roll < 0.7) {
      if (inFlight.length === 0) continue;
      const [message] = inFlight.splice(rng.int(0, inFlight.length - 1), 1);
      const target = peers[message!.to]!;
      if (target.online) Y.applyUpdate(target.room.doc, message!.update, "remote");
    } else if (roll < 0.8) {
      peer.online = !peer.online;
      if (!peer.online) {
        for (let m = inFlight.length - 1; m >= 0; m--) if (inFlight[m]!.to === i) inFlight.splice(m, 1);
      } else {
        const other = peers.find((p, j) => j !== i && p.online);
        if (other) syncPair(peer, other);
      }
    } else if (roll < 0.85) {
      const being = rng.pick(peer.beings);
      if (peer.room.roster().get(being)?.status === "left") peer.room.join(being, { name: "back", host: peer.id, now });
      else peer.room.setStatus(being, "left", now);
    } else if (roll < 0.9) reapStaleClaims(peer.room, now);
    else now += rng.int(0, CLAIM_STALE_AFTER_MS / 2);
  }

  // Everyone back: what is in flight lands in random order, then reconnects until all are equal.
  for (const p of peers) p.online = true;
  while (inFlight.length) {
    const [message] = inFlight.splice(rng.int(0, inFlight.length - 1), 1);
    Y.applyUpdate(peers[message!.to]!.room.doc, message!.update, "remote");
  }
  const syncAll = () => {
    for (let pass = 0; pass < 2; pass++) for (const p of peers.slice(1)) syncPair(peers[0]!, p);
  };
  syncAll();

  const check = (at: number, label: string): string | undefined => {
    const first = boardOf(peers[0]!.room, at);
    const odd = peers.findIndex((p) => boardOf(p.room, at) !== first);
    if (odd !== -1) return `${label}: peer ${odd} shows ${boardOf(peers[odd]!.room, at)}, peer 0 shows ${first}`;
    const state = peers[0]!.room.read();
    if (state.issues.length) return `${label}: honest peers wrote entries a reader skipped: ${JSON.stringify(state.issues)}`;
    const states = peers.map((p) => p.room.read());
    for (const view of viewBoard(state, at)) {
      const expected = oracleOwner(peers[0]!.room.doc, view.id, at);
      if (view.owner !== expected) return `${label}: task ${view.id} is owned by ${view.owner} but the oracle says ${expected}`;
      const winners = peers.flatMap((p, i) => p.beings.filter((b) => claimStatus(states[i]!, view.id, b, at) === "won"));
      const wanted = view.status === "open" ? 0 : 1;
      if (winners.length !== wanted) return `${label}: task ${view.id} (${view.status}) has ${winners.length} beings that think they own it`;
    }
    return undefined;
  };

  const problem = check(now, "after sync") ?? check(now + 2 * CLAIM_STALE_AFTER_MS, "after the leave timeout");
  if (problem) return problem;
  const contested = viewBoard(peers[0]!.room.read(), now).some((v) => v.claims.length > 1);
  if (contested) stats.contested++;

  // Losers back off; that must never change who owns what.
  const before = boardOf(peers[0]!.room, now);
  for (const p of peers) for (const b of p.beings) for (const id of taskIds) if (backOff(p.room, id, b, now)) stats.backOffs++;
  syncAll();
  const settled = check(now, "after backing off");
  if (settled) return settled;
  if (boardOf(peers[0]!.room, now) !== before) return `backing off changed the owners: ${before} → ${boardOf(peers[0]!.room, now)}`;
  for (const view of viewBoard(peers[0]!.room.read(), now)) {
    const running = view.claims.filter((c) => peers[0]!.room.roster().get(c.claimant)?.status === "running");
    if (view.status === "claimed" && running.some((c) => c.claimant !== view.owner))
      return `task ${view.id} still has a running loser's claim after backing off`;
  }
  for (const p of peers) p.room.doc.destroy();
  return undefined;
}

describe("the claim protocol", () => {
  it.each(PINNED_SEEDS)("gives every task exactly one owner for pinned seed %i", (seed) => {
    expect(runScenario(seed, { contested: 0, backOffs: 0, finished: 0 })).toBeUndefined();
  });

  it(`gives every task exactly one owner across ${SCENARIOS} seeded scenarios of 3–10 peers claiming concurrently`, () => {
    const base = Number(process.env["CLAIM_SEED"] ?? 6_000_000);
    const stats: Stats = { contested: 0, backOffs: 0, finished: 0 };
    const failures: string[] = [];
    for (let i = 0; i < SCENARIOS; i++) {
      const seed = base + i;
      let why: string | undefined;
      try {
        why = runScenario(seed, stats);
      } catch (error) {
        why = `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      }
      if (why) failures.push(`seed ${seed}: ${why}`);
    }
    if (failures.length) console.error(`claim protocol failures (pin these seeds in PINNED_SEEDS):\n${failures.slice(0, 20).join("\n")}`);
    expect(failures).toEqual([]);
    console.info(
      `claim protocol: ${SCENARIOS} scenarios, ${stats.contested} with contested tasks, ${stats.backOffs} back-offs, ${stats.finished} tasks finished`,
    );
    // The scenarios must actually race: many tasks end with more than one claim, and losers back off.
    expect(stats.contested).toBeGreaterThan(SCENARIOS / 10);
    expect(stats.backOffs).toBeGreaterThan(SCENARIOS / 10);
    expect(stats.finished).toBeGreaterThan(SCENARIOS / 10);
  }, 240_000);
});
