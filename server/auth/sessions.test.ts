import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import type { AuthConfig } from "../env";
import { createApiHandler } from "../http/apiHandler";
import { API_BURST } from "./constants";
import { createAuthService, type AuthService } from "./createAuthService";
import { RateLimiter } from "./RateLimiter";

async function serve(store: MasterStore, auth: AuthService): Promise<{ server: Server; base: string }> {
  const handle = createApiHandler({ store, auth });
  const server = createServer((req, res) => void handle(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc` };
}

const config = (mode: AuthConfig["mode"]): AuthConfig => ({ mode, origin: "http://localhost:3000", rpId: "localhost", secure: false });
const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("luxos_session="));

describe("sessions over HTTP", () => {
  let store: MasterStore;
  const servers: Server[] = [];
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await store.close();
  });

  it("LUXOS_AUTH=local: the first visit makes the owner and sets an httpOnly, SameSite=Lax cookie; curl needs none", async () => {
    const { server, base } = await serve(store, createAuthService(store, config("local")));
    servers.push(server);
    expect((await fetch(`${base}/beings.list?input=${encodeURIComponent("{}")}`)).status).toBe(200);
    const first = await fetch(`${base}/auth.me`);
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = ((await first.json()) as { result: { data: { mode: string; person: { name: string; server_owner: boolean } } } }).result.data;
    expect(me).toMatchObject({ mode: "local", person: { name: "Owner", server_owner: true } });
    const again = await fetch(`${base}/auth.me`, { headers: { cookie: cookie!.split(";")[0]! } });
    expect(cookieOf(again)).toBeUndefined();
    expect(((await again.json()) as { result: { data: unknown } }).result.data).toEqual(me);
  });

  it("LUXOS_AUTH=required: signed-out calls get 401, too many get 429 with Retry-After, sign-out ends the session server-side", async () => {
    const auth = createAuthService(store, config("required"), { tick: () => 0 });
    const { server, base } = await serve(store, auth);
    servers.push(server);
    expect((await fetch(`${base}/master.info`)).status).toBe(401);
    expect((await fetch(`${base}/reasoning.status`)).status).toBe(200);

    const person = await store.identity.createPerson({ name: "Sam", serverOwner: false });
    const { token } = await store.identity.createSession(person.soul, 60_000);
    const cookie = `luxos_session=${token}`;
    expect((await fetch(`${base}/master.info`, { headers: { cookie } })).status).toBe(200);
    const out = await fetch(`${base}/auth.signOut`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()[0]).toMatch(/luxos_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await fetch(`${base}/master.info`, { headers: { cookie } })).status).toBe(401);

    for (let i = 0; i < API_BURST; i++) auth.limits.api.take("ip:127.0.0.1");
    const limited = await fetch(`${base}/reasoning.status`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then answers how long to wait, per key, and refills", () => {
    let t = 0;
    const limiter = new RateLimiter(3, 0.5, () => t);
    expect([1, 2, 3].map(() => limiter.take("a"))).toEqual([0, 0, 0]);
    expect(limiter.take("a")).toBe(2);
    expect(limiter.take("b")).toBe(0);
    expect(limiter.take("a", "b")).toBe(2);
    t += 2_000;
    expect(limiter.take("a")).toBe(0);
  });
});
