/**
 * Rooms benchmark: `npm run bench -- rooms` → bench/results/rooms.json.
 *
 * The room server runs alone in a child process (bench/lib/roomServerProcess.ts: PGlite master in a
 * scratch folder, the real createRoomServer with its default limits), so its RSS is its own. The
 * clients are real y-websocket providers (ws, no BroadcastChannel) in this process, speaking the Yjs
 * sync and awareness protocols with signed invite tokens, well inside the per-connection rate limit.
 *
 * 1. Propagation: ROOMS_CLIENTS (50) clients in one room; one at a time, round-robin, sets a key in a
 *    shared Y.Map; the time until each of the other clients observes it is one sample (same clock).
 *    Every update is stored in the master before the server broadcasts it, so a sample includes that.
 * 2. Capacity: ROOMS_ROOMS (200) rooms × ROOMS_PER_ROOM (10) clients on the one server process; every
 *    client writes one key; `dropped_updates` counts keys a client of the room never received;
 *    `clients_held` counts clients still connected and synced after ROOMS_HOLD_MS.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { signInvite } from "../server/rooms/inviteToken";
import { envNumber } from "./lib/env";
import { machine, quantile, round } from "./lib/stats";

const SECRET = "bench-rooms-secret-bench-rooms-secret-0123";

interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  map: Y.Map<number>;
}

function connect(port: number, room: string, ttl = 3600): Client {
  const doc = new Y.Doc();
  const token = signInvite(new TextEncoder().encode(SECRET), room, "editor", ttl).token;
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/rooms`, room, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    params: { token },
  });
  return { doc, provider, map: doc.getMap<number>("bench") };
}

function synced(client: Client, timeoutMs = 60_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("a client did not sync within a minute")), timeoutMs);
    client.provider.once("sync", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

function close(clients: readonly Client[]): void {
  for (const c of clients) {
    c.provider.destroy();
    c.doc.destroy();
  }
}

type Reply =
  | { kind: "ready"; port: number }
  | { kind: "rooms"; ids: string[] }
  | { kind: "stats"; rss: number; rooms: number; connections: number; errors: number; loopDelayP99Ms: number };

export async function run(): Promise<void> {
  // NOTE: each y-websocket provider in Node adds a process 'exit' listener; thousands are expected here.
  process.setMaxListeners(0);
  const cfg = {
    clients: envNumber("ROOMS_CLIENTS", 50),
    sends: envNumber("ROOMS_SENDS", 300),
    warmup: envNumber("ROOMS_WARMUP", 30),
    rooms: envNumber("ROOMS_ROOMS", 200),
    perRoom: envNumber("ROOMS_PER_ROOM", 10),
    holdMs: envNumber("ROOMS_HOLD_MS", 10_000),
    out: process.env["BENCH_OUT"] || fileURLToPath(new URL("./results/rooms.json", import.meta.url)),
  };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "luxos-bench-rooms-"));
  const child = fork(fileURLToPath(new URL("./lib/roomServerProcess.ts", import.meta.url)), [dataDir, SECRET], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: Reply[] = [];
  const waiters: ((r: Reply) => void)[] = [];
  child.on("message", (m: Reply) => (waiters.shift() ?? ((r: Reply) => replies.push(r)))(m));
  const next = () => new Promise<Reply>((resolve) => (replies.length ? resolve(replies.shift()!) : waiters.push(resolve)));
  const ask = async <K extends Reply["kind"]>(kind: K, extra: object = {}): Promise<Extract<Reply, { kind: K }>> => {
    child.send({ kind, ...extra });
    const reply = await next();
    if (reply.kind !== kind) throw new Error(`the room server answered ${reply.kind} to ${kind}`);
    return reply as Extract<Reply, { kind: K }>;
  };
  const clients: Client[] = [];
  try {
    const ready = await next();
    if (ready.kind !== "ready") throw new Error("the room server did not start");
    const port = ready.port;
    const rssIdle = (await ask("stats")).rss;

    // ---------------------------------------------------------------- 1. propagation
    const [room] = (await ask("rooms", { count: 1 })).ids;
    const ring: Client[] = Array.from({ length: cfg.clients }, () => connect(port, room!));
    clients.push(...ring);
    await Promise.all(ring.map((c) => synced(c)));
    const sentAt = new Map<string, number>();
    const seen = new Map<string, number>();
    const samples: number[] = [];
    let measuring = false;
    for (const c of ring) {
      c.map.observe((event) => {
        if (event.transaction.local) return;
        const at = performance.now();
        for (const key of event.keysChanged as Set<string>) {
          seen.set(key, (seen.get(key) ?? 0) + 1);
          if (measuring) samples.push(at - sentAt.get(key)!);
        }
      });
    }
    let lost = 0;
    const clientDelay = monitorEventLoopDelay({ resolution: 1 });
    await ask("stats");
    clientDelay.enable();
    for (let i = 0; i < cfg.warmup + cfg.sends; i++) {
      measuring = i >= cfg.warmup;
      const key = `k${i}`;
      sentAt.set(key, performance.now());
      ring[i % ring.length]!.map.set(key, i);
      if (!(await until(() => seen.get(key) === ring.length - 1, 5_000))) lost++;
      await new Promise((r) => setTimeout(r, 5));
    }
    clientDelay.disable();
    const serverDelayP99 = (await ask("stats")).loopDelayP99Ms;
    const loadDuringPropagation = os.loadavg()[0];
    close(ring);
    clients.length = 0;
    const propagation = { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: Math.max(...samples), n: samples.length };
    console.log(`propagation over ${cfg.clients} clients: p50 ${round(propagation.p50)} ms, p99 ${round(propagation.p99)} ms (${samples.length} samples)`);

    // ---------------------------------------------------------------- 2. capacity
    const ids = (await ask("rooms", { count: cfg.rooms })).ids;
    const started = performance.now();
    const byRoom: Client[][] = [];
    for (const id of ids) {
      const members = Array.from({ length: cfg.perRoom }, () => connect(port, id));
      byRoom.push(members);
      clients.push(...members);
      await Promise.all(members.map((c) => synced(c)));
    }
    const connectMs = performance.now() - started;
    console.log(`${clients.length} clients connected and synced in ${round(connectMs)} ms`);
    for (let r = 0; r < cfg.perRoom; r++) {
      for (const members of byRoom) members[r]!.map.set(`c${r}`, r);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const complete = () => clients.every((c) => c.map.size === cfg.perRoom);
    await until(complete, 60_000);
    const dropped = clients.reduce((sum, c) => sum + (cfg.perRoom - c.map.size), 0);
    await new Promise((resolve) => setTimeout(resolve, cfg.holdMs));
    const held = clients.filter((c) => c.provider.wsconnected && c.provider.synced).length;
    const stats = await ask("stats");
    console.log(`held ${held}/${clients.length}, dropped ${dropped}, server RSS ${round(stats.rss / 2 ** 20)} MB, ${stats.connections} connections`);

    const result = {
      bench: "rooms",
      at: new Date().toISOString(),
      machine: machine(),
      setup: `room server alone in a child process (PGlite master, default limits: ${"300 burst / 150 per s per connection"}); clients are y-websocket 3.1.0 providers over ws in the bench process`,
      propagation_clients: cfg.clients,
      propagation_samples: propagation.n,
      propagation_p50_ms: round(propagation.p50),
      propagation_p99_ms: round(propagation.p99),
      propagation_max_ms: round(propagation.max),
      propagation_lost_updates: lost,
      propagation_load_average_1m: loadDuringPropagation,
      propagation_server_loop_delay_p99_ms: round(serverDelayP99),
      propagation_client_loop_delay_p99_ms: round(clientDelay.percentile(99) / 1e6),
      propagation_note:
        "one Y.Map set at a time, round-robin over the clients; sample = send → observed by each other client; includes the master append before broadcast",
      rooms: cfg.rooms,
      clients_per_room: cfg.perRoom,
      clients_connected: clients.length,
      connect_all_ms: round(connectMs),
      clients_held: held,
      hold_ms: cfg.holdMs,
      dropped_updates: dropped,
      server_connections: stats.connections,
      server_rooms_loaded: stats.rooms,
      server_errors: stats.errors,
      server_rss_idle_mb: round(rssIdle / 2 ** 20),
      server_rss_mb: round(stats.rss / 2 ** 20),
      server_rss_note: "idle = after the PGlite master opened, before any client; most of it is PGlite's WebAssembly heap",
      load_average_1m: os.loadavg()[0],
      loop_delay_note:
        "event-loop delay p99 during the propagation phase (perf_hooks, 1 ms resolution): time a ready callback waited for the CPU, on this machine's load",
      goals: { propagation_p99_ms: "<= 10", clients_held: ">= 2000", dropped_updates: "0" },
    };
    writeFileSync(cfg.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    close(clients);
    if (child.connected) {
      child.send({ kind: "stop" });
      await new Promise((resolve) => {
        child.once("exit", resolve);
        setTimeout(() => {
          child.kill("SIGKILL");
          resolve(null);
        }, 15_000).unref();
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
