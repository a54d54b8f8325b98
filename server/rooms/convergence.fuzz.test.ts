import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createRandom, type Random } from "../../lib/random";
import { encodeUpdate, parseFrame } from "./roomMessages";

/**
 * Seeded convergence fuzz: 5–10 in-memory peers edit a map, a text and an array; updates travel
 * as room frames (encoded and parsed like on the wire), delivered in random order; peers go
 * offline (losing what was in flight), edit alone, and come back with a state-vector sync.
 * After a final full sync every peer must hold the same document.
 */
const SEQUENCES = Number(process.env["FUZZ_SEQUENCES"] ?? 1_000);
/** Seeds that once failed stay here as regressions (none so far). */
const PINNED_SEEDS: number[] = [];

interface Peer {
  doc: Y.Doc;
  online: boolean;
}
interface Message {
  to: number;
  update: Uint8Array;
}

/** Puts an update through the wire format (encoded, then parsed as the server parses it). */
function viaWire(update: Uint8Array): Uint8Array {
  const parsed = parseFrame(encodeUpdate(update));
  if (!parsed.ok || (parsed.frame.type !== "sync-update" && parsed.frame.type !== "sync-step2"))
    throw new Error("the fuzz sent a frame the server would refuse");
  return parsed.frame.update;
}

function deliver(peer: Peer, update: Uint8Array): void {
  Y.applyUpdate(peer.doc, update, "remote");
}

/** JSON with sorted keys: map key order is insertion order, which legitimately differs between peers. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

/** What a reconnect does: each side sends the other what its state vector lacks (sync steps 1 and 2). */
function syncPair(a: Peer, b: Peer): void {
  const toB = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
  const toA = Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc));
  deliver(b, viaWire(toB));
  deliver(a, viaWire(toA));
}

function edit(rng: Random, doc: Y.Doc): void {
  const map = doc.getMap<unknown>("board");
  const text = doc.getText("notes");
  const list = doc.getArray<unknown>("messages");
  switch (rng.int(0, 6)) {
    case 0:
      map.set(`k${rng.int(0, 5)}`, rng.int(0, 1000));
      break;
    case 1:
      map.delete(`k${rng.int(0, 5)}`);
      break;
    case 2:
      text.insert(rng.int(0, text.length), rng.pick(["a", "bc", "def", " ", "é", "🙂"]));
      break;
    case 3:
      if (text.length > 0) {
        const at = rng.int(0, text.length - 1);
        text.delete(at, rng.int(1, Math.min(3, text.length - at)));
      }
      break;
    case 4:
      list.insert(rng.int(0, list.length), [{ from: doc.clientID % 100, n: rng.int(0, 99) }]);
      break;
    case 5:
      if (list.length > 0) list.delete(rng.int(0, list.length - 1), 1);
      break;
    default: {
      const nested = new Y.Map<unknown>();
      map.set(`nested${rng.int(0, 2)}`, nested);
      nested.set("status", rng.pick(["open", "claimed", "done"]));
    }
  }
}

/** Runs one sequence; returns why it diverged, or undefined. */
function runSequence(seed: number): string | undefined {
  const rng = createRandom(seed);
  const peers: Peer[] = Array.from({ length: rng.int(5, 10) }, () => ({ doc: new Y.Doc(), online: true }));
  const inFlight: Message[] = [];
  peers.forEach((peer, from) =>
    peer.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "remote" || !peer.online) return;
      const wire = viaWire(update);
      for (let to = 0; to < peers.length; to++) if (to !== from) inFlight.push({ to, update: wire });
    }),
  );

  const steps = rng.int(20, 80);
  for (let step = 0; step < steps; step++) {
    const roll = rng.next();
    const i = rng.int(0, peers.length - 1);
    const peer = peers[i]!;
    if (roll < 0.5) edit(rng, peer.doc);
    else if (roll < 0.8 && inFlight.length) {
      // Random delivery order: any message in flight may arrive next.
      const [message] = inFlight.splice(rng.int(0, inFlight.length - 1), 1);
      const target = peers[message!.to]!;
      if (target.online) deliver(target, message!.update);
    } else if (roll < 0.9) {
      peer.online = !peer.online;
      if (!peer.online) {
        // Going offline loses whatever was on the wire to it.
        for (let m = inFlight.length - 1; m >= 0; m--) if (inFlight[m]!.to === i) inFlight.splice(m, 1);
      } else {
        const other = peers.find((p, j) => j !== i && p.online);
        if (other) syncPair(peer, other);
      }
    } else {
      // A peer that is offline keeps editing alone.
      if (!peer.online) edit(rng, peer.doc);
    }
  }

  for (const p of peers) p.online = true;
  while (inFlight.length) {
    const [message] = inFlight.splice(rng.int(0, inFlight.length - 1), 1);
    deliver(peers[message!.to]!, message!.update);
  }
  // Everyone back online: random pairwise reconnects, then everyone with peer 0 twice.
  for (let round = 0; round < peers.length * 3; round++) {
    const a = rng.int(0, peers.length - 1);
    const b = rng.int(0, peers.length - 1);
    if (a !== b) syncPair(peers[a]!, peers[b]!);
  }
  for (let pass = 0; pass < 2; pass++) for (const p of peers.slice(1)) syncPair(peers[0]!, p);

  const snapshot = (p: Peer) =>
    JSON.stringify({
      board: canonical(p.doc.getMap("board").toJSON()),
      notes: p.doc.getText("notes").toJSON(),
      messages: p.doc.getArray("messages").toJSON(),
      sv: [...Y.encodeStateVector(p.doc)],
      pending: p.doc.store.pendingStructs !== null || p.doc.store.pendingDs !== null,
    });
  const first = snapshot(peers[0]!);
  const odd = peers.findIndex((p) => snapshot(p) !== first);
  const oddSnapshot = odd === -1 ? "" : snapshot(peers[odd]!);
  for (const p of peers) p.doc.destroy();
  return odd === -1 ? undefined : `peer ${odd} differs from peer 0 after the final sync: ${first} vs ${oddSnapshot}`;
}

describe("room documents converge", () => {
  it.each(PINNED_SEEDS)("for pinned seed %i", (seed) => {
    expect(runSequence(seed)).toBeUndefined();
  });

  it(`for ${SEQUENCES} random sequences across 5–10 peers with random delivery and disconnects`, () => {
    const base = Number(process.env["FUZZ_SEED"] ?? 20_261_121);
    const failures: string[] = [];
    for (let i = 0; i < SEQUENCES; i++) {
      const seed = base + i;
      let why: string | undefined;
      try {
        why = runSequence(seed);
      } catch (error) {
        why = `threw ${error instanceof Error ? error.message : String(error)}`;
      }
      if (why) failures.push(`seed ${seed}: ${why}`);
    }
    if (failures.length) console.error(`convergence fuzz failures (pin these seeds in PINNED_SEEDS):\n${failures.join("\n")}`);
    expect(failures).toEqual([]);
  }, 180_000);
});
