import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleRoomUpgrade } from "./handleRoomUpgrade";

function upgrade(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      path,
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    req.on("response", (res) => resolve(res.statusCode ?? 0));
    req.on("upgrade", () => resolve(101));
    req.on("error", reject);
    req.end();
  });
}

describe("the /rooms/<roomId> upgrade path", () => {
  let server: Server;
  let port = 0;
  let passedOn = 0;
  beforeAll(async () => {
    server = createServer();
    server.on("upgrade", (req, socket) => {
      if (!handleRoomUpgrade(req, socket)) {
        passedOn++;
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("is reserved for rooms and says they are not enabled yet", async () => {
    expect(await upgrade(port, "/rooms/team-1")).toBe(503);
  });

  it("refuses a malformed room id with 400", async () => {
    expect(await upgrade(port, "/rooms/bad%20id!")).toBe(400);
    expect(await upgrade(port, "/rooms/")).toBe(400);
  });

  it("leaves other paths to the next handler", async () => {
    await upgrade(port, "/_next/webpack-hmr").catch(() => undefined);
    expect(passedOn).toBe(1);
  });
});
