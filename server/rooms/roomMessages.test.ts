import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createRandom } from "../../lib/random";
import { MessageType } from "./protocol";
import { encodeSyncStep1, encodeUpdate, parseFrame } from "./roomMessages";
import { TokenBucket } from "./TokenBucket";

describe("parseFrame", () => {
  it("reads what the encoders write", () => {
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "hi");
    expect(parseFrame(encodeSyncStep1(doc))).toMatchObject({ ok: true, frame: { type: "sync-step1" } });
    expect(parseFrame(encodeUpdate(Y.encodeStateAsUpdate(doc)))).toMatchObject({ ok: true, frame: { type: "sync-update" } });
    expect(parseFrame(new Uint8Array([MessageType.queryAwareness]))).toEqual({ ok: true, frame: { type: "query-awareness" } });
  });

  it("never throws on random bytes (seeded)", () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const rng = createRandom(seed);
      const bytes = new Uint8Array(rng.int(0, 64)).map(() => rng.int(0, 255));
      if (rng.bool()) bytes[0] = rng.int(0, 3);
      expect(() => parseFrame(bytes), `seed ${seed}`).not.toThrow();
    }
  });
});

describe("TokenBucket", () => {
  it("allows a burst, then refills at its rate", () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 500;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
