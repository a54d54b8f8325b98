import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { guardRequest } from "./requestGuard";

const ORIGIN = "http://localhost:3000";
const req = (method: string, headers: Record<string, string>) => ({ method, headers: { host: "localhost:3000", ...headers } }) as unknown as IncomingMessage;
const json = { "content-type": "application/json" };

describe("the request guard", () => {
  it("refuses x-middleware-subrequest on any request (CVE-2025-29927)", () => {
    expect(guardRequest(req("GET", { "x-middleware-subrequest": "middleware:middleware:middleware" }), ORIGIN)).toMatchObject({ status: 400 });
    expect(guardRequest(req("POST", { ...json, "x-middleware-subrequest": "src/middleware" }), ORIGIN)).toMatchObject({ status: 400 });
  });

  it("refuses Origin: null, even on reads", () => {
    expect(guardRequest(req("GET", { origin: "null" }), ORIGIN)).toMatchObject({ status: 403, message: expect.stringMatching(/Origin: null/) });
    expect(guardRequest(req("POST", { ...json, origin: "null" }), ORIGIN)).toMatchObject({ status: 403 });
  });

  it("refuses writes from another origin and writes that are not JSON", () => {
    expect(guardRequest(req("POST", { ...json, origin: "https://evil.example" }), ORIGIN)).toMatchObject({
      status: 403,
      message: expect.stringMatching(/evil\.example/),
    });
    expect(guardRequest(req("POST", { origin: ORIGIN, "content-type": "text/plain" }), ORIGIN)).toMatchObject({ status: 415 });
    expect(guardRequest(req("POST", { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }), ORIGIN)).toMatchObject({ status: 415 });
  });

  it("refuses a websocket upgrade from another origin (cross-site websocket hijacking)", () => {
    expect(guardRequest(req("GET", { upgrade: "websocket", origin: "https://evil.example" }), ORIGIN)).toMatchObject({ status: 403 });
    expect(guardRequest(req("GET", { upgrade: "websocket", origin: ORIGIN }), ORIGIN)).toBeNull();
  });

  it("lets same-origin JSON writes, the Host's own origin, origin-less clients (curl) and reads through", () => {
    expect(guardRequest(req("POST", { ...json, origin: ORIGIN }), ORIGIN)).toBeNull();
    expect(guardRequest(req("POST", { ...json, origin: "http://localhost:3000" }), "https://luxos.example.com")).toBeNull();
    expect(guardRequest(req("POST", json), ORIGIN)).toBeNull();
    expect(guardRequest(req("GET", { origin: "https://elsewhere.example" }), ORIGIN)).toBeNull();
  });
});
