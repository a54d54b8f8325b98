import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  backOff,
  claimStatus,
  claimTask,
  compareClaims,
  finishTask,
  isClaimStale,
  ownerOf,
  pickNextTask,
  reapStaleClaims,
  releaseTask,
  viewBoard,
  viewTask,
  winningClaim,
} from "./claims";
import { CLAIM_STALE_AFTER_MS } from "./constants";
import { createRoomDoc, type RoomDoc } from "./roomDoc";
import type { Claim, TaskId } from "./roomSchema";
import { roomWithMission, syncDocs, T0, testSoul } from "./testing";

const A = testSoul(1);
const B = testSoul(2);
const C = testSoul(3);
const t1 = "t1" as TaskId;
const t2 = "t2" as TaskId;

const claim = (claimant: typeof A, clock: number, tiebreak: number): Claim => ({ task: t1, claimant, peer: "p" as Claim["peer"], clock, tiebreak, at: T0 });

function twoPeers() {
  const { room: a } = roomWithMission(3);
  const b = createRoomDoc(new Y.Doc());
  a.join(A, { name: "Alpha", host: "pa", now: T0 });
  b.join(B, { name: "Beta", host: "pb", now: T0 });
  syncDocs(a.doc, b.doc);
  return { a, b };
}

const ok = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

describe("the winner of a set of claims", () => {
  it("is the lowest clock, then the lowest tiebreak, then the lowest claimant", () => {
    expect(winningClaim([claim(A, 2, 0), claim(B, 1, 9)])?.claimant).toBe(B);
    expect(winningClaim([claim(A, 1, 5), claim(B, 1, 3)])?.claimant).toBe(B);
    expect(winningClaim([claim(B, 1, 3), claim(A, 1, 3)])?.claimant).toBe(A);
    expect(winningClaim([])).toBeUndefined();
    expect(compareClaims(claim(A, 1, 1), claim(A, 1, 1))).toBe(0);
  });

  it("does not depend on the order the claims are seen in", () => {
    const claims = [claim(A, 3, 7), claim(B, 2, 9), claim(C, 2, 1)];
    for (const order of [claims, [...claims].reverse(), [claims[1]!, claims[2]!, claims[0]!]]) expect(winningClaim(order)?.claimant).toBe(C);
  });
});

describe("isClaimStale", () => {
  const roster = (status: "running" | "left", at: number) => new Map([[A, { name: "a", host: "p" as Claim["peer"], since: T0, status, status_at: at }]]);
  it("lapses a claim once its being has left the roster for the timeout, or was never on it", () => {
    expect(isClaimStale(claim(A, 1, 0), roster("running", T0), T0 + 10 * CLAIM_STALE_AFTER_MS)).toBe(false);
    expect(isClaimStale(claim(A, 1, 0), roster("left", T0), T0 + CLAIM_STALE_AFTER_MS - 1)).toBe(false);
    expect(isClaimStale(claim(A, 1, 0), roster("left", T0), T0 + CLAIM_STALE_AFTER_MS)).toBe(true);
    expect(isClaimStale(claim(B, 1, 0), roster("running", T0), T0 + CLAIM_STALE_AFTER_MS - 1)).toBe(false);
    expect(isClaimStale(claim(B, 1, 0), roster("running", T0), T0 + CLAIM_STALE_AFTER_MS)).toBe(true);
    expect(isClaimStale(claim(A, 1, 0), roster("left", T0), T0 + 10, 10)).toBe(true);
  });
});

describe("claimTask", () => {
  it("claims an open task; the claimant owns it and claiming again returns the same claim", () => {
    const { a } = twoPeers();
    const first = ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0 + 1, tiebreak: 5 }));
    expect(first).toEqual({ task: t1, claimant: A, peer: "pa", clock: 1, tiebreak: 5, at: T0 + 1 });
    expect(ownerOf(a.read(), t1, T0 + 1)).toBe(A);
    expect(viewTask(a.read(), t1, T0 + 1)?.status).toBe("claimed");
    expect(ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0 + 2 }))).toEqual(first);
  });

  it("refuses locally: unknown task, a being not running here, a task owned by another, a finished task", () => {
    const { a, b } = twoPeers();
    const refusal = (room: RoomDoc, input: Parameters<typeof claimTask>[1]) => {
      const result = claimTask(room, input);
      return result.ok ? "ok" : result.error.reason;
    };
    expect(refusal(a, { task: "nope" as TaskId, claimant: A, peer: "pa", now: T0 })).toBe("unknown_task");
    expect(refusal(a, { task: t1, claimant: C, peer: "pa", now: T0 })).toBe("not_on_roster");
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0 }));
    syncDocs(a.doc, b.doc);
    expect(refusal(b, { task: t1, claimant: B, peer: "pb", now: T0 })).toBe("owned");
    ok(finishTask(a, { task: t1, claimant: A, status: "done", now: T0 + 5 }));
    syncDocs(a.doc, b.doc);
    expect(refusal(b, { task: t1, claimant: B, peer: "pb", now: T0 })).toBe("finished");
    b.setStatus(B, "paused", T0 + 6);
    expect(refusal(b, { task: t2, claimant: B, peer: "pb", now: T0 })).toBe("not_on_roster");
  });

  it("settles concurrent claims the same way on both peers; the loser sees it lost and backs off", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0, tiebreak: 900 }));
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0, tiebreak: 100 }));
    expect(claimStatus(a.read(), t1, A, T0)).toBe("won"); // before it hears from b
    syncDocs(a.doc, b.doc);
    for (const room of [a, b]) expect(ownerOf(room.read(), t1, T0)).toBe(B);
    expect(claimStatus(a.read(), t1, A, T0)).toBe("lost");
    expect(claimStatus(a.read(), t2, A, T0)).toBe("none");
    expect(backOff(a, t1, A, T0)).toBe(true);
    expect(backOff(a, t1, A, T0)).toBe(false);
    expect(backOff(b, t1, B, T0)).toBe(false); // the winner does not back off
    syncDocs(a.doc, b.doc);
    expect(viewTask(b.read(), t1, T0)?.claims.map((c) => c.claimant)).toEqual([B]);
  });

  it("uses a Lamport clock per task: a claim made after seeing others carries a higher clock than any of them", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0, tiebreak: 0xffffffff }));
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0, tiebreak: 0 }));
    ok(claimTask(b, { task: t2, claimant: B, peer: "pb", now: T0 }));
    syncDocs(a.doc, b.doc);
    expect(viewTask(a.read(), t1, T0)?.claims.map((c) => [c.claimant, c.clock])).toEqual([
      [B, 1],
      [A, 1],
    ]);
    b.setStatus(B, "left", T0);
    const after = T0 + CLAIM_STALE_AFTER_MS;
    syncDocs(a.doc, b.doc);
    const retry = ok(claimTask(a, { task: t2, claimant: A, peer: "pa", now: after, tiebreak: 0 }));
    expect(retry.clock).toBe(2);
    expect(ownerOf(a.read(), t2, after)).toBe(A);
    expect(ownerOf(a.read(), t1, after)).toBe(A); // B's lapsed claim no longer counts
  });
});

describe("release, finish and the leave timeout", () => {
  it("only the owner releases or finishes; release hands the task to the next live claim", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0, tiebreak: 1 }));
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0, tiebreak: 2 }));
    syncDocs(a.doc, b.doc);
    const refused = releaseTask(b, t1, B, T0);
    expect(refused.ok ? "" : refused.error).toMatchObject({ reason: "not_owner", message: expect.stringContaining(A) });
    const finish = finishTask(b, { task: t1, claimant: B, status: "done", now: T0 });
    expect(finish.ok ? "" : finish.error.reason).toBe("not_owner");
    expect(releaseTask(b, "zz" as TaskId, B, T0)).toMatchObject({ ok: false, error: { reason: "unknown_task" } });
    ok(releaseTask(a, t1, A, T0));
    syncDocs(a.doc, b.doc);
    expect(ownerOf(b.read(), t1, T0)).toBe(B);
    const outcome = ok(finishTask(b, { task: t1, claimant: B, status: "failed", now: T0 + 3, note: "no access" }));
    expect(outcome).toEqual({ task: t1, status: "failed", by: B, at: T0 + 3, note: "no access" });
    syncDocs(a.doc, b.doc);
    expect(viewTask(a.read(), t1, T0 + 3)).toMatchObject({ status: "failed", owner: B, outcome });
    expect(releaseTask(b, t1, B, T0)).toMatchObject({ ok: false, error: { reason: "finished" } });
  });

  it("frees the tasks of an owner that left once the timeout has passed, and reaping makes it durable", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0 }));
    ok(claimTask(a, { task: t2, claimant: A, peer: "pa", now: T0 }));
    ok(finishTask(a, { task: t2, claimant: A, status: "done", now: T0 }));
    a.setStatus(A, "left", T0 + 100);
    syncDocs(a.doc, b.doc);
    const justBefore = T0 + 100 + CLAIM_STALE_AFTER_MS - 1;
    const after = T0 + 100 + CLAIM_STALE_AFTER_MS;
    expect(ownerOf(b.read(), t1, justBefore)).toBe(A);
    expect(claimTask(b, { task: t1, claimant: B, peer: "pb", now: justBefore }).ok).toBe(false);
    expect(viewTask(b.read(), t1, after)).toMatchObject({ status: "open", owner: undefined });
    expect(viewTask(b.read(), t2, after)).toMatchObject({ status: "done", owner: A }); // a finished task keeps its result
    expect(reapStaleClaims(b, justBefore)).toBe(0);
    expect(reapStaleClaims(b, after)).toBe(1);
    expect(viewTask(b.read(), t2, after)?.claims).toHaveLength(1);
    const taken = ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: after }));
    expect(ownerOf(b.read(), t1, after)).toBe(B);
    ok(finishTask(b, { task: t1, claimant: B, status: "done", now: after }));
    expect(viewTask(b.read(), t1, after)).toMatchObject({ status: "done", owner: B });
    expect(taken.clock).toBe(1);
  });

  it("ignores the outcome of a being that finished before it learned it had lost", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0, tiebreak: 9 }));
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0, tiebreak: 1 }));
    ok(finishTask(a, { task: t1, claimant: A, status: "done", now: T0 }));
    syncDocs(a.doc, b.doc);
    for (const room of [a, b]) expect(viewTask(room.read(), t1, T0)).toMatchObject({ status: "claimed", owner: B });
    ok(finishTask(b, { task: t1, claimant: B, status: "done", now: T0 + 1 }));
    syncDocs(a.doc, b.doc);
    expect(viewTask(a.read(), t1, T0)).toMatchObject({ status: "done", owner: B });
  });
});

describe("outcomes written during a partition", () => {
  it("keeps both beings' outcomes and counts only the owner's, whichever write Yjs orders last", () => {
    const { a, b } = twoPeers();
    ok(claimTask(a, { task: t1, claimant: A, peer: "pa", now: T0, tiebreak: 1 }));
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0, tiebreak: 2 }));
    ok(finishTask(a, { task: t1, claimant: A, status: "done", now: T0 }));
    ok(finishTask(b, { task: t1, claimant: B, status: "failed", now: T0 }));
    syncDocs(a.doc, b.doc);
    expect(a.read().outcomes.get(t1)?.size).toBe(2);
    for (const room of [a, b]) expect(viewTask(room.read(), t1, T0)).toMatchObject({ status: "done", owner: A });
  });
});

describe("pickNextTask", () => {
  it("resumes the claimant's own task, else picks the first open one, passing over tasks owned by others", () => {
    const { a, b } = twoPeers();
    expect(pickNextTask(a.read(), A, T0)?.id).toBe(t1);
    ok(claimTask(b, { task: t1, claimant: B, peer: "pb", now: T0 }));
    syncDocs(a.doc, b.doc);
    expect(pickNextTask(a.read(), A, T0)?.id).toBe(t2);
    expect(pickNextTask(b.read(), B, T0)?.id).toBe(t1);
    expect(pickNextTask(a.read(), A, T0, { skip: new Set([t2]) })?.id).toBe("t3");
    ok(claimTask(a, { task: t2, claimant: A, peer: "pa", now: T0 }));
    ok(claimTask(a, { task: "t3" as TaskId, claimant: A, peer: "pa", now: T0 }));
    expect(pickNextTask(a.read(), A, T0)?.id).toBe(t2);
    for (const t of [t2, "t3" as TaskId]) ok(finishTask(a, { task: t, claimant: A, status: "done", now: T0 }));
    expect(pickNextTask(a.read(), A, T0)).toBeUndefined();
  });

  it("orders the board by mission, then by creation time", () => {
    const { room } = roomWithMission(2);
    room.postMission({ id: "m0", title: "later", brief: "", posted_by: "master", at: T0 + 1000 });
    room.addTasks("m0" as never, [{ id: "a0", title: "x", created_by: "master", at: T0 }]);
    expect(viewBoard(room.read(), T0).map((v) => v.id)).toEqual(["t1", "t2", "a0"]);
  });
});
