/**
 * A team server (LUXOS_AUTH=required) in real Chromium with its virtual WebAuthn authenticator:
 * the owner registers with the setup link, signs out and in, adds and revokes a passkey, invites a
 * second person as a viewer, who is refused an edit until the owner promotes them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { spawnServer, type LuxosServer } from "./spawnServer";

/** Its own server beside the suite's: E2E_PORT + 5 (inside each helper's port range). */
const PORT = Number(process.env["E2E_PORT"] ?? 3100) + 5;
/** WebAuthn wants a host name: the server's origin is http://localhost:<port>, not 127.0.0.1. */
const ORIGIN = `http://localhost:${PORT}`;

let server: LuxosServer | undefined;
let dataDir = "";

/** A browser profile with its own platform authenticator (a passkey store), as a second device or person would have. */
async function device(browser: Browser) {
  const context = await browser.newContext({ baseURL: ORIGIN });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const attach = async () =>
    (
      await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
      })
    ).authenticatorId;
  let authenticatorId = await attach();
  return {
    context,
    page,
    /** How many passkeys this device's authenticator holds. */
    passkeys: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials.length,
    /** Swaps the authenticator for an empty one, as a person moving to a new phone would. */
    newAuthenticator: async () => {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
      authenticatorId = await attach();
    },
  };
}

/** A tRPC mutation from inside the page: same origin, the page's session cookie, JSON. */
function mutate(page: Page, procedure: string, input: unknown): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const response = await fetch(`/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
      return { status: response.status, body: await response.text() };
    },
    { procedure, input },
  );
}

test.describe("a team server with passkeys", () => {
  test.beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "luxos-identity-"));
    server = await spawnServer({ port: PORT, dataDir, env: { LUXOS_AUTH: "required" } });
  });
  test.afterAll(async () => {
    await server?.stop().catch(() => server?.kill());
    await rm(dataDir, { recursive: true, force: true });
  });

  test("refuses x-middleware-subrequest, Origin: null, cross-site writes and signed-out callers", async () => {
    const trpc = `${ORIGIN}/api/trpc`;
    expect((await fetch(`${ORIGIN}/rooms`, { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } })).status).toBe(
      400,
    );
    expect((await fetch(`${trpc}/master.info`, { headers: { "x-middleware-subrequest": "src/middleware" } })).status).toBe(400);
    const json = { "content-type": "application/json" };
    expect((await fetch(`${trpc}/rooms.create`, { method: "POST", headers: { ...json, origin: "null" }, body: '{"name":"x"}' })).status).toBe(403);
    expect((await fetch(`${trpc}/rooms.create`, { method: "POST", headers: { ...json, origin: "https://evil.example" }, body: '{"name":"x"}' })).status).toBe(
      403,
    );
    expect((await fetch(`${trpc}/rooms.create`, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"name":"x"}' })).status).toBe(415);
    const anonymous = await fetch(`${trpc}/beings.list?input=${encodeURIComponent("{}")}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain("Sign in first");
    expect((await fetch(`${trpc}/reasoning.status`)).status).toBe(200);
  });

  test("register, sign out, sign in, second passkey; invite a viewer, refuse their edit, promote them, allow it", async ({ browser }) => {
    test.setTimeout(180_000);
    const setup = /\/register\?setup=([A-Za-z0-9_-]+)/.exec(server!.output())?.[1];
    expect(setup, "the server prints a one-time setup link while nobody can sign in").toBeTruthy();

    const owner = await device(browser);
    const guest = await device(browser);
    try {
      // a signed-out visitor is sent to /signin
      await owner.page.goto("/beings");
      await expect(owner.page).toHaveURL(/\/signin\?next=%2Fbeings/);

      // the first person registers with the setup link and becomes the owner
      await owner.page.goto(`/register?setup=${setup}`);
      await owner.page.getByTestId("register-name").fill("Olive");
      await owner.page.getByTestId("register-passkey").click();
      await expect(owner.page.getByTestId("people-name")).toHaveText("Olive");
      expect(await owner.passkeys()).toBe(1);
      await owner.page.screenshot({ path: test.info().outputPath("owner-home.png") });

      // sign out (server-side: the old cookie opens nothing), then sign in with the passkey
      const before = (await owner.context.cookies()).find((c) => c.name === "luxos_session")!;
      expect(before).toMatchObject({ httpOnly: true, sameSite: "Lax" });
      await owner.page.getByTestId("people-menu").click();
      await owner.page.getByTestId("people-signout").click();
      await expect(owner.page).toHaveURL(/\/signin/);
      const replayed = await fetch(`${ORIGIN}/api/trpc/beings.list?input=${encodeURIComponent("{}")}`, {
        headers: { cookie: `luxos_session=${before.value}` },
      });
      expect(replayed.status).toBe(401);
      await owner.page.screenshot({ path: test.info().outputPath("signin.png") });
      await owner.page.getByTestId("signin-passkey").click();
      await expect(owner.page.getByTestId("people-name")).toHaveText("Olive");
      const after = (await owner.context.cookies()).find((c) => c.name === "luxos_session")!;
      expect(after.value).not.toBe(before.value);

      // the same authenticator cannot hold a second passkey for the same person…
      await owner.page.goto("/account");
      await owner.page.getByTestId("passkey-add").click();
      await expect(owner.page.getByText("This device already holds a passkey for you here.")).toBeVisible();
      // …a new device can: add its passkey, revoke the old device's, and sign in with the new one
      await owner.newAuthenticator();
      await owner.page.getByTestId("passkey-add").click();
      await expect(owner.page.getByTestId("passkey")).toHaveCount(2);
      expect(await owner.passkeys()).toBe(1);
      await owner.page.screenshot({ path: test.info().outputPath("account.png") });
      await owner.page.getByTestId("passkey").filter({ hasText: "First passkey" }).getByTestId("passkey-revoke").click();
      await expect(owner.page.getByTestId("passkey")).toHaveCount(1);
      await expect(owner.page.getByTestId("passkey-revoke")).toBeDisabled();
      await owner.page.getByTestId("people-menu").click();
      await owner.page.getByTestId("people-signout").click();
      await owner.page.getByTestId("signin-passkey").click();
      await expect(owner.page.getByTestId("people-name")).toHaveText("Olive");

      // a room, and a viewer invite
      await owner.page.goto("/rooms");
      await owner.page.getByTestId("room-name").fill("Kiln");
      await owner.page.getByTestId("room-create").click();
      await expect(owner.page).toHaveURL(/\/rooms\/[0-9a-f-]{36}/);
      const room = /\/rooms\/([0-9a-f-]{36})/.exec(owner.page.url())![1]!;
      await expect(owner.page.getByTestId("room-status")).toHaveAttribute("data-status", "connected");
      await owner.page.getByTestId("invite-role-viewer").click();
      await owner.page.getByTestId("invite-create").click();
      const link = await owner.page.getByTestId("invite-link").inputValue();
      expect(link).toContain(`${ORIGIN}/invite/`);
      await expect(owner.page.getByTestId("pending-invite")).toHaveCount(1);

      // the second person opens the link in their own browser, makes a passkey and joins as a viewer
      await guest.page.goto(link);
      await expect(guest.page.getByTestId("invite-view")).toContainText("Kiln");
      await guest.page.screenshot({ path: test.info().outputPath("invite.png") });
      await guest.page.getByTestId("register-name").fill("Vic");
      await guest.page.getByTestId("register-passkey").click();
      await expect(guest.page).toHaveURL(new RegExp(`/rooms/${room}$`));
      await expect(guest.page.getByTestId("viewer-banner")).toBeVisible();
      await expect(guest.page.getByTestId("mission-form")).toHaveCount(0);
      await expect(guest.page.getByTestId("people-name")).toHaveText("Vic");

      // denied: the server refuses the viewer's edit and says which role it needs
      const denied = await mutate(guest.page, "rooms.postMission", { room, title: "Sneaky" });
      expect(denied.status).toBe(403);
      expect(denied.body).toContain("needs the editor role");
      const link2 = await mutate(guest.page, "rooms.invite", { room, role: "editor" });
      expect(link2.status).toBe(403);

      // the owner sees the new member and promotes them
      await owner.page.reload();
      await expect(owner.page.getByTestId("pending-invite")).toHaveCount(0);
      const vic = owner.page.getByTestId("member").filter({ hasText: "Vic" });
      await expect(vic).toHaveAttribute("data-role", "viewer");
      await owner.page.screenshot({ path: test.info().outputPath("members.png") });
      await vic.getByTestId("member-role").selectOption("editor");
      await expect(vic).toHaveAttribute("data-role", "editor");

      // allowed: the promoted person's open page follows the new role without a reload, and they post a mission
      await expect(guest.page.getByTestId("viewer-banner")).toHaveCount(0);
      await expect(guest.page.getByTestId("room-status")).toHaveAttribute("data-status", "connected");
      await guest.page.getByTestId("mission-title").fill("Fire the kiln");
      await guest.page.getByTestId("mission-post").click();
      await expect(owner.page.getByTestId("mission").filter({ hasText: "Fire the kiln" })).toBeVisible();
      await guest.page.screenshot({ path: test.info().outputPath("promoted.png") });

      // removed: their open page says so at once, and the server refuses their next edit
      await vic.getByTestId("member-remove").click();
      await expect(owner.page.getByTestId("member").filter({ hasText: "Vic" })).toHaveCount(0);
      await expect(guest.page.getByTestId("room-refused")).toBeVisible();
      expect((await mutate(guest.page, "rooms.postMission", { room, title: "After removal" })).status).toBe(403);
    } finally {
      await owner.context.close();
      await guest.context.close();
    }
  });
});
