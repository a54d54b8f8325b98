import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_HEADER, createPrecacheHandler, PRECACHE_PATH, readPrecacheListing } from "./precache";

function put(root: string, file: string, text = "x"): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

describe("the precache listing", () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "luxos-precache-"));
    put(root, ".next/BUILD_ID", "build-42\n");
    put(
      root,
      ".next/app-path-routes-manifest.json",
      JSON.stringify({
        "/page": "/",
        "/swarm/page": "/swarm",
        "/beings/[soul]/page": "/beings/[soul]",
        "/_not-found/page": "/_not-found",
        "/icon.svg/route": "/icon.svg",
      }),
    );
    put(root, ".next/static/chunks/app.js");
    put(root, ".next/static/chunks/app.js.map");
    put(root, ".next/static/media/sqlite3.abc.wasm");
    put(root, ".next/static/build-42/_buildManifest.js");
    put(root, "public/sw.js");
    put(root, "public/README.md");
    put(root, "public/icons/icon-192.png");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names the build and lists its static pages, public files and every static asset, WASM included", () => {
    const listing = readPrecacheListing(root);
    expect(listing?.build).toBe("build-42");
    expect(listing?.urls).toEqual([
      "/",
      "/icon.svg",
      "/swarm",
      "/icons/icon-192.png",
      "/_next/static/build-42/_buildManifest.js",
      "/_next/static/chunks/app.js",
      "/_next/static/media/sqlite3.abc.wasm",
    ]);
  });

  it("leaves out source maps, notes, the service worker itself, dynamic and internal pages", () => {
    const urls = readPrecacheListing(root)?.urls ?? [];
    expect(urls.filter((u) => /\.map$|\.md$|sw\.js$|\[|_not-found/.test(u))).toEqual([]);
  });

  it("is null without a production build (dev mode)", () => {
    expect(readPrecacheListing(path.join(root, "nowhere"))).toBeNull();
  });

  describe("over HTTP", () => {
    let server: Server;
    let devServer: Server;
    let base = "";
    let devBase = "";
    const listen = async (handle: ReturnType<typeof createPrecacheHandler>) => {
      const s = createServer((req, res) => {
        if (!handle(req, res)) res.writeHead(200, { "content-type": "text/plain" }).end("next");
      });
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
    };
    beforeAll(async () => {
      ({ s: server, url: base } = await listen(createPrecacheHandler(readPrecacheListing(root))));
      ({ s: devServer, url: devBase } = await listen(createPrecacheHandler(null)));
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => devServer.close(resolve));
    });

    it("answers the listing as JSON that is never cached", async () => {
      const res = await fetch(`${base}${PRECACHE_PATH}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(((await res.json()) as { build: string }).build).toBe("build-42");
    });

    it("stamps every answer with the build, so the service worker sees a new one on the next page", async () => {
      const res = await fetch(`${base}/swarm`);
      expect(await res.text()).toBe("next");
      expect(res.headers.get(BUILD_HEADER)).toBe("build-42");
    });

    it("refuses other methods and says there is nothing to list in dev mode", async () => {
      expect((await fetch(`${base}${PRECACHE_PATH}`, { method: "POST" })).status).toBe(405);
      const dev = await fetch(`${devBase}${PRECACHE_PATH}`);
      expect(dev.status).toBe(404);
      expect(((await dev.json()) as { error: string }).error).toMatch(/npm start/);
      expect((await fetch(`${devBase}/`)).headers.get(BUILD_HEADER)).toBeNull();
    });
  });
});
