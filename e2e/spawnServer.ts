import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Long enough for a start that has to rebuild the Next.js app first. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const HEALTH_POLL_MS = 250;

export interface LuxosServer {
  readonly url: string;
  /** SIGTERM, then the exit code once the process has ended. */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group; safe to call at any time, any number of times. */
  kill(): void;
  /** What the server printed, for failure messages. */
  output(): string;
}

/**
 * Starts `server/main.ts` (through tsx) as its own process group on `port` with `dataDir`,
 * and resolves once /api/health answers. `env` adds to (or overrides) the server's environment.
 */
export async function spawnServer({ port, dataDir, env = {} }: { port: number; dataDir: string; env?: Record<string, string> }): Promise<LuxosServer> {
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  // NOTE: `node --import tsx` rather than the tsx CLI: the CLI is a second process that relays SIGTERM and
  // SIGKILLs the server (exit 143) when the relay takes over 30 ms, which a busy 2-core machine often does.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    // NOTE: never rebuild .next under the Playwright web server that is serving from it.
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LUXOS_DATA_DIR: dataDir, LUXOS_LOG: "info", LUXOS_BUILD: "if-missing", ...env },
    // NOTE: its own process group, so kill() also reaches anything the server starts (a Next.js build).
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  const server: LuxosServer = {
    url,
    output: () => log,
    kill() {
      if (done || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
    async stop() {
      if (!done) child.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
      const result = await Promise.race([exited, timeout]);
      if (result === "timeout") {
        server.kill();
        throw new Error(`the server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM:\n${log}`);
      }
      return result;
    },
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (done) throw new Error(`the server exited before it was ready:\n${log}`);
    const healthy = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return server;
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  server.kill();
  throw new Error(`the server did not answer /api/health within ${START_TIMEOUT_MS / 1000} s:\n${log}`);
}
