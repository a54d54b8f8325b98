import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BATCH_SIZE } from "../../lib/constants";
import { openStore } from "../db/openStore";
import type { MasterStore } from "../db/store";
import { createApiHandler, MAX_BODY_BYTES } from "./apiHandler";

// The API as any HTTP client sees it: plain JSON, 4xx for bad requests, never a 500.
describe("HTTP API", () => {
  let store: MasterStore;
  let server: Server;
  let base = "";
  beforeAll(async () => {
    store = await openStore({ kind: "pglite" });
    const handle = createApiHandler({ store });
    server = createServer((req, res) => {
      void handle(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end("not api");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  const post = (path: string, body: string, type = "application/json") => fetch(`${base}${path}`, { method: "POST", headers: { "content-type": type }, body });

  it("answers health with the store kind and version", async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, store: "pglite", version: expect.any(String) });
  });

  it("creates with a plain JSON POST and reads with a GET, as curl would", async () => {
    const created = await post("/api/trpc/beings.create", JSON.stringify({ genesis: { name: "Curl" }, tags: ["http"] }));
    expect(created.status).toBe(200);
    const { result } = (await created.json()) as { result: { data: { soul: string } } };
    const got = await fetch(`${base}/api/trpc/beings.get?input=${encodeURIComponent(JSON.stringify({ soul: result.data.soul }))}`);
    expect(((await got.json()) as { result: { data: { genesis: { name: string } } } }).result.data.genesis.name).toBe("Curl");
  });

  it("reads a W3C traceparent header and records it on the writes; an invalid one is ignored", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const create = (header: string) =>
      fetch(`${base}/api/trpc/beings.create`, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: header },
        body: '{"genesis":{"name":"Traced"}}',
      });
    const soulOf = async (res: Response) => ((await res.json()) as { result: { data: { soul: string } } }).result.data.soul;
    const traced = await soulOf(await create(traceparent.toUpperCase()));
    const bad = await soulOf(await create("00-00000000000000000000000000000000-b7ad6b7169203331-01"));
    const journal = async (soul: string) =>
      (await store.sql.query<{ trace: string | null }>("SELECT trace FROM being_journal WHERE soul = $1", [soul]))[0]?.trace;
    expect(await journal(traced)).toBe(traceparent);
    expect(await journal(bad)).toBeNull();
  });

  it("answers malformed JSON with 400 and words", async () => {
    const res = await post("/api/trpc/beings.create", "{not json");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/could not be read as JSON/);
  });

  it("answers a wrong content type with 415", async () => {
    const res = await post("/api/trpc/beings.create", "{}", "text/plain");
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Content-Type: application\/json/);
  });

  it("answers invalid input with 400 and the field", async () => {
    const res = await post("/api/trpc/beings.create", JSON.stringify({ genesis: {} }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; data: { fieldErrors: Record<string, string>; stack?: string } } };
    expect(body.error.message).toMatch(/genesis\.name/);
    expect(body.error.data.fieldErrors).toHaveProperty(["genesis.name"]);
    expect(body.error.data.stack).toBeUndefined();
  });

  it("answers unknown procedures with 404 and wrong methods with 405", async () => {
    expect((await fetch(`${base}/api/trpc/beings.nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/trpc/beings.create`)).status).toBe(405);
  });

  it("accepts batches up to the cap and refuses larger ones", async () => {
    const batch = (n: number) => fetch(`${base}/api/trpc/${Array(n).fill("master.info").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`);
    expect((await batch(2)).status).toBe(200);
    expect((await batch(MAX_BATCH_SIZE + 1)).status).toBe(400);
  });

  it("refuses a body over the size limit with 413", async () => {
    const res = await post("/api/trpc/beings.createMany", "x".repeat(MAX_BODY_BYTES + 1));
    expect(res.status).toBe(413);
  });

  it("passes other paths on", async () => {
    expect(await (await fetch(`${base}/beings`)).text()).toBe("not api");
  });
});
