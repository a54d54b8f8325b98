/**
 * A room server alone in its own process, for bench/rooms.ts: PGlite master in a scratch folder,
 * `createRoomServer` behind a plain HTTP server on 127.0.0.1. Driven over the IPC channel:
 * `{ kind: "rooms", count }` → room ids; `{ kind: "stats" }` → RSS, open connections and the event-loop delay
 * p99 since the last stats (then reset); `{ kind: "stop" }`.
 * Argv: <dataDir> <secret>.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openStore } from "../../server/db/openStore";
import { createRoomServer } from "../../server/rooms/createRoomServer";
import { handleRoomUpgrade } from "../../server/rooms/handleRoomUpgrade";

const [dataDir, secret] = process.argv.slice(2);
if (!dataDir || !secret || !process.send) throw new Error("usage: fork roomServerProcess.ts <dataDir> <secret> (with an IPC channel)");
const send = (message: unknown) => process.send!(message);

const store = await openStore({ kind: "pglite", dataDir });
let errors = 0;
const rooms = createRoomServer({
  rooms: store.rooms,
  secret: new TextEncoder().encode(secret),
  onError: (error) => {
    errors++;
    console.error("[bench room server]", error);
  },
});
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const server = createServer((_req, res) => res.writeHead(404).end());
server.on("upgrade", (req, socket, head) => {
  if (!handleRoomUpgrade(req, socket, head, rooms)) socket.destroy();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

process.on("message", (message: { kind: string; count?: number }) => {
  void (async () => {
    if (message.kind === "rooms") {
      const ids: string[] = [];
      for (let i = 0; i < (message.count ?? 1); i++) ids.push((await store.rooms.create({ name: `bench ${i}`, owner: "bench" })).id);
      send({ kind: "rooms", ids });
    } else if (message.kind === "stats") {
      send({ kind: "stats", rss: process.memoryUsage().rss, errors, loopDelayP99Ms: delay.percentile(99) / 1e6, ...rooms.stats() });
      delay.reset();
    } else if (message.kind === "stop") {
      await rooms.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      process.exit(0);
    }
  })();
});
send({ kind: "ready", port: (server.address() as AddressInfo).port });
