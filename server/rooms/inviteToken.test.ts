import { describe, expect, it } from "vitest";
import { signInvite, verifyInvite } from "./inviteToken";

const secret = new TextEncoder().encode("a".repeat(64));
const ROOM = "3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f";

describe("invite tokens", () => {
  it("round-trip room, role and expiry", () => {
    const { token, invite } = signInvite(secret, ROOM, "viewer", 60, 1_000);
    expect(verifyInvite(secret, token, ROOM, 2_000)).toEqual({ ok: true, invite });
    expect(invite).toMatchObject({ room: ROOM, role: "viewer", exp: 61_000 });
  });

  it("differ for the same terms (nonce)", () => {
    expect(signInvite(secret, ROOM, "editor", 60, 0).token).not.toBe(signInvite(secret, ROOM, "editor", 60, 0).token);
  });

  it("refuse expiry, another room, another secret, tampering and junk", () => {
    const { token } = signInvite(secret, ROOM, "editor", 60, 0);
    expect(verifyInvite(secret, token, ROOM, 60_000)).toMatchObject({ ok: false, reason: "expired", status: 401 });
    expect(verifyInvite(secret, token, "other", 0)).toMatchObject({ ok: false, reason: "other-room", status: 403 });
    expect(verifyInvite(new TextEncoder().encode("b".repeat(64)), token, ROOM, 0)).toMatchObject({ ok: false, reason: "invalid" });
    const [body, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ room: ROOM, role: "editor", exp: 9e15, nonce: "x" })).toString("base64url");
    expect(verifyInvite(secret, `${forged}.${sig}`, ROOM, 0)).toMatchObject({ ok: false, reason: "invalid" });
    for (const junk of [undefined, "", ".", "a.b.c", `${body}.`, `${body}.${sig}.x`, "x".repeat(5000)]) {
      expect(verifyInvite(secret, junk, ROOM, 0).ok).toBe(false);
    }
  });
});
