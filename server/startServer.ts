import "./serverOnly";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import next from "next";
import { createAuthService } from "./auth/createAuthService";
import { createRoomSocketGate } from "./auth/roomSocketGate";
import { openStore } from "./db/openStore";
import type { MasterStore } from "./db/store";
import type { Env } from "./env";
import { createApiHandler } from "./http/apiHandler";
import { createPrecacheHandler, readPrecacheListing } from "./http/precache";
import { guardRequest } from "./http/requestGuard";
import { handleSandboxAssets, prepareSandboxAssets } from "./http/sandboxAssets";
import { describeEndpoint } from "./llm/openAiCompatible";
import { createRoomServer } from "./rooms/createRoomServer";
import { handleRoomUpgrade, refuseUpgrade } from "./rooms/handleRoomUpgrade";
import { loadSecret } from "./rooms/loadSecret";
import { startJanitor } from "./timeline/startJanitor";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
/** Folders and files whose change makes the production build stale. */
const BUILD_INPUTS = ["app", "lib", "workers", "public", "next.config.mjs", "postcss.config.mjs", "package.json"];

export interface RunningServer {
  url: string;
  store: MasterStore;
  server: Server;
  /** Idempotent: stops accepting, closes the rooms (storing what is queued), Next.js and the store. */
  close(): Promise<void>;
}

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Builds the Next.js app when there is no build, or when its sources changed since the last one. */
export function ensureBuild(mode: Env["build"], log: (line: string) => void): void {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (builtAt && mode === "if-missing") return;
  const changedAt = Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p))));
  if (builtAt && builtAt >= changedAt) return;
  log(builtAt ? "sources changed since the last build; building the web app…" : "no build found; building the web app (once, about a minute)…");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("The web app failed to build (see the output above). Fix the error and start again.");
}

/** Starts the whole LuxOS server: master store, HTTP API, Next.js pages, room upgrades, on one port. */
export async function startServer(env: Env): Promise<RunningServer> {
  const log = (line: string) => env.log !== "silent" && console.log(`[luxos] ${line}`);
  if (!env.dev) ensureBuild(env.build, log);

  const store = env.databaseUrl
    ? await openStore({ kind: "postgres", url: env.databaseUrl, poolSize: env.poolSize, mergeThreshold: env.knowledgeMergeThreshold })
    : await openStore({ kind: "pglite", dataDir: env.dataDir, mergeThreshold: env.knowledgeMergeThreshold });
  log(`master store: ${store.kind}${store.kind === "pglite" ? ` in ${env.dataDir}` : ""}`);
  log(
    `reasoners: deterministic; WebLLM weights from ${env.modelsDir}; ${env.llm ? `OpenAI-compatible at ${describeEndpoint(env.llm.url)}` : "no LUXOS_LLM_URL"}`,
  );

  // NOTE: on its first request Next.js adds its own 'upgrade' listener to the request's server, and in production
  // that listener ends every upgrade it does not know, such as a room's while the room is still loading. Next is
  // given a server that never listens to attach to; upgrades reach it only through the handler below (dev HMR).
  const nextUpgradeSink = createServer();
  const app = next({ dev: env.dev, dir: ROOT, hostname: env.host, port: env.port, quiet: env.log === "silent", httpServer: nextUpgradeSink });
  const handleNext = app.getRequestHandler();
  await app.prepare();
  const upgradeNext = env.dev ? app.getUpgradeHandler() : undefined;

  const roomSecret = loadSecret(env.secret, env.dataDir);
  const rooms = createRoomServer({
    rooms: store.rooms,
    secret: roomSecret,
    onError: (error) => env.log !== "silent" && console.error("[luxos] rooms:", error),
  });

  const auth = createAuthService(store, env.auth);
  log(
    env.auth.mode === "required"
      ? `sign-in: passkeys required (LUXOS_AUTH=required) for ${env.auth.origin}`
      : `sign-in: none (LUXOS_AUTH=local): whoever reaches ${env.host}:${env.port} is the owner${env.host === "127.0.0.1" || env.host === "localhost" ? "" : "; set LUXOS_AUTH=required on a shared network"}`,
  );
  await auth.announceSetup(log);
  const authorizeSocket = createRoomSocketGate(auth, store);

  const janitor = startJanitor(store, env.dataDir, (error) => env.log !== "silent" && console.error("[luxos] timeline janitor:", error));

  const handleApi = createApiHandler({
    auth,
    store,
    roomSecret,
    roomServer: rooms,
    reasoning: { modelsDir: env.modelsDir, ...(env.llm && { llm: env.llm }) },
    luxFetch: { allowPrivate: env.fetchAllowPrivate },
    onError: (error, where) => env.log !== "silent" && console.error(`[luxos] error in ${where ?? "api"}:`, error),
  });

  // NOTE: the service worker's list of what to store offline, and the build header on every answer that tells it a new build is out.
  const handlePrecache = createPrecacheHandler(env.dev ? null : readPrecacheListing(ROOT));

  const server = createServer((req, res) => {
    // NOTE: before Next.js and tRPC see anything: CVE-2025-29927's header, Origin: null, cross-site writes.
    const refusal = guardRequest(req, env.auth.origin);
    if (refusal) {
      const body = JSON.stringify({ error: { message: refusal.message, code: -32600, data: { code: refusal.code, httpStatus: refusal.status } } });
      res.writeHead(refusal.status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
      });
      res.end(body);
      return;
    }
    if (handlePrecache(req, res)) return;
    handleSandboxAssets(req, res)
      .then(async (handled) => handled || (await handleApi(req, res)))
      .then((handled) => (handled ? undefined : handleNext(req, res)))
      .catch((error: unknown) => {
        console.error("[luxos] request failed:", error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "The server failed to answer this request; it was logged. Try again." }));
      });
  });
  server.on("upgrade", (req, socket: Duplex, head) => {
    const refusal = guardRequest(req, env.auth.origin);
    if (refusal) return refuseUpgrade(socket, refusal.status, refusal.message);
    if (handleRoomUpgrade(req, socket, head, rooms, env.auth.mode === "required" ? authorizeSocket : undefined)) return;
    if (upgradeNext) void upgradeNext(req, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  const url = `http://${env.host === "0.0.0.0" || env.host === "127.0.0.1" ? "localhost" : env.host}:${port}`;
  log(`ready on ${url}`);
  prepareSandboxAssets((error) => env.log !== "silent" && console.error("[luxos] the sandbox worker could not be bundled:", error));

  let closing: Promise<void> | undefined;
  return {
    url,
    store,
    server,
    close: () =>
      (closing ??= (async () => {
        // NOTE: rooms first: their sockets would otherwise hold server.close() open, and queued updates get stored.
        await rooms.close();
        await janitor.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2_000).unref();
        });
        await app.close().catch(() => undefined);
        await store.close();
      })()),
  };
}
