import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../../../workers/being/api";
import { ago, describeSync } from "./SyncIndicator";

const base: SyncStatus = {
  state: "idle",
  depth: 0,
  refused: 0,
  sent: 0,
  lastSyncAt: null,
  lastAttemptAt: null,
  lastError: null,
  attempts: 0,
  nextAttemptAt: null,
  pulled: 0,
  lastPullAt: null,
};

describe("the outbox indicator", () => {
  it("says how much waits and how long ago the master last acknowledged", () => {
    expect(describeSync({ ...base, depth: 12, lastSyncAt: 7_000 }, 10_000)).toEqual({ text: "outbox 12 · synced 3 s ago", tone: "ok" });
    expect(describeSync({ ...base, depth: 3 }, 10_000).text).toBe("outbox 3 · not synced yet");
    expect(describeSync(base, 10_000).text).toBe("outbox 0 · all sent");
    expect(describeSync({ ...base, state: "sending", depth: 40 }, 0).text).toBe("outbox 40 · sending…");
  });

  it("offline: what waits; unreachable: when it tries again; refused events apart", () => {
    expect(describeSync({ ...base, state: "offline", depth: 1_500 }, 0)).toEqual({ text: "offline — 1,500 waiting", tone: "wait" });
    expect(describeSync({ ...base, state: "retrying", depth: 40, nextAttemptAt: 4_200 }, 1_000)).toEqual({
      text: "outbox 40 · master unreachable, retry in 4 s",
      tone: "bad",
    });
    expect(describeSync({ ...base, state: "offline", depth: 5, refused: 1 }, 0).text).toBe("offline — 4 waiting · 1 refused");
  });

  it("ages in seconds, minutes, hours", () => {
    expect([ago(400), ago(59_000), ago(90_000), ago(7_200_000)]).toEqual(["0 s ago", "59 s ago", "2 min ago", "2 h ago"]);
  });
});
