import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYODIDE_VERSION } from "../../lib/sandbox/constants";
import { getPyodideVersion, handleSandboxAssets, SANDBOX_CSP, SANDBOX_WORKER_PATH } from "./sandboxAssets";

describe("sandbox assets", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      void handleSandboxAssets(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end("not mine");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serves the Pyodide version the browser code asks for", async () => {
    expect(await getPyodideVersion()).toBe(PYODIDE_VERSION);
  });

  it("serves the worker with a CSP that allows no connections, no eval and no workers", async () => {
    const response = await fetch(`${base}${SANDBOX_WORKER_PATH}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy");
    expect(csp).toBe(SANDBOX_CSP);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("worker-src 'none'");
    expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await response.text()).toContain("_luxos_run");
  });

  it("serves Pyodide's core files under their version, cacheable forever, and nothing else", async () => {
    const wasm = await fetch(`${base}/pyodide/v${PYODIDE_VERSION}/pyodide.asm.wasm`, { method: "HEAD" });
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(wasm.headers.get("cache-control")).toContain("immutable");
    for (const bad of [`/pyodide/v0.0.1/pyodide.mjs`, `/pyodide/v${PYODIDE_VERSION}/package.json`, `/pyodide/v${PYODIDE_VERSION}/../package.json`]) {
      const response = await fetch(`${base}${bad}`);
      expect(response.status, bad).toBe(404);
      expect(await response.text()).toMatch(/No such Pyodide file|not mine/);
    }
    expect(await (await fetch(`${base}/elsewhere`)).text()).toBe("not mine");
  });
});
