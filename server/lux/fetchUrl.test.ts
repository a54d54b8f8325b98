import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../db/openStore";
import { createCaller } from "../root";
import { failure } from "../routers/testing";
import { createContext } from "../trpc";
import { fetchUrl, FetchUrlError, isNonPublicAddress } from "./fetchUrl";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/hello") return void res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("héllo, being");
    if (path === "/json") return void res.writeHead(200, { "content-type": "application/json" }).end('{"open": 3}');
    if (path === "/redirect") return void res.writeHead(302, { location: "/hello" }).end();
    if (path === "/loop") return void res.writeHead(302, { location: "/loop" }).end();
    if (path === "/to-file") return void res.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (path === "/to-localhost") return void res.writeHead(301, { location: `http://localhost:${(server.address() as AddressInfo).port}/hello` }).end();
    if (path === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      // no content-length: the limit must hold while streaming
      for (let i = 0; i < 64; i++) res.write("x".repeat(1024));
      return void res.end();
    }
    if (path === "/slow") return; // never answers
    res.writeHead(404).end("no such page");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const allow = { allowPrivate: true };

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FetchUrlError) return `${error.reason}: ${error.message}`;
    throw error;
  }
  throw new Error("expected the fetch to fail");
}

describe("fetchUrl", () => {
  it("reads a page as text, with its type and size", async () => {
    const page = await fetchUrl(`${base}/hello`, allow);
    expect(page).toMatchObject({ status: 200, text: "héllo, being", bytes: 13, url: `${base}/hello` });
    expect(page.contentType).toContain("text/plain");
  });

  it("refuses loopback and private addresses unless the policy allows them", async () => {
    expect(await reason(fetchUrl(`${base}/hello`, { allowPrivate: false }))).toMatch(/^forbidden_address: .*127\.0\.0\.1.*LUXOS_FETCH_ALLOW_PRIVATE/);
    expect(await reason(fetchUrl("http://localhost/", { allowPrivate: false }))).toMatch(/^forbidden_address/);
    expect(await reason(fetchUrl("http://[::1]/", { allowPrivate: false }))).toMatch(/^forbidden_address/);
    expect(await reason(fetchUrl("http://169.254.169.254/latest/meta-data", { allowPrivate: false }))).toMatch(/^forbidden_address/);
  });

  it("follows redirects and checks each one again", async () => {
    expect((await fetchUrl(`${base}/redirect`, allow)).text).toBe("héllo, being");
    expect(await reason(fetchUrl(`${base}/to-file`, allow))).toMatch(/^bad_url: LOAD url fetches http and https only, not file:/);
    expect(await reason(fetchUrl(`${base}/loop`, allow))).toMatch(/^too_many_redirects/);
    // allowed for the first hop only by a narrower policy: a redirect to localhost is refused like a direct fetch
    expect(await reason(fetchUrl(`${base}/to-localhost`, { allowPrivate: false }))).toMatch(/^forbidden_address/);
  });

  it("stops at the size limit and the time limit", async () => {
    expect(await reason(fetchUrl(`${base}/big`, { ...allow, maxBytes: 10_000 }))).toMatch(/^too_large: .* larger than 10 KB/);
    expect((await fetchUrl(`${base}/big`, { ...allow, maxBytes: 100_000 })).bytes).toBe(65_536);
    const began = Date.now();
    expect(await reason(fetchUrl(`${base}/slow`, { ...allow, timeoutMs: 300 }))).toMatch(/^timeout: .* did not answer within 0.3 s/);
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it("says what went wrong with a bad URL, a missing page, an unknown host", async () => {
    expect(await reason(fetchUrl("not a url", allow))).toMatch(/^bad_url: "not a url" is not a URL/);
    expect(await reason(fetchUrl("ftp://example.org/x", allow))).toMatch(/^bad_url: .*not ftp:/);
    expect(await reason(fetchUrl("http://user:pw@example.org/", allow))).toMatch(/^bad_url: .*password/);
    expect(await reason(fetchUrl(`${base}/missing`, allow))).toMatch(/^http_error: .* answered HTTP 404/);
    expect(await reason(fetchUrl("http://no-such-host.invalid/", allow))).toMatch(/^unreachable: .*does not resolve/);
  });

  it("classifies addresses", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(a), a).toBe(false);
  });
});

describe("lux.fetch", () => {
  const open = () => openStore({ kind: "pglite" });

  it("answers the page, and refuses a private address with FORBIDDEN unless the master allows it", async () => {
    const store = await open();
    try {
      const strict = createCaller(createContext(store));
      const error = await failure(strict.lux.fetch({ url: `${base}/json` }));
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toMatch(/loopback or private address/);
      const open = createCaller(createContext(store, { luxFetch: { allowPrivate: true } }));
      expect(await open.lux.fetch({ url: `${base}/json` })).toMatchObject({ status: 200, content_type: "application/json", text: '{"open": 3}' });
      expect((await failure(open.lux.fetch({ url: "gopher://x" }))).code).toBe("BAD_REQUEST");
      expect((await failure(open.lux.fetch({ url: `${base}/missing` }))).code).toBe("BAD_GATEWAY");
    } finally {
      await store.close();
    }
  });
});
