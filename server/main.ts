/**
 * `npm start`: the whole of LuxOS in one process on one port.
 * Configuration comes from the environment (see server/env.ts and the README).
 */
import "./serverOnly";
import { EnvError, loadEnv } from "./env";
import { startServer } from "./startServer";

/** How long a clean stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const env = loadEnv();
  const running = await startServer(env);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[luxos] ${signal}: closing the master store and stopping…`);
    // NOTE: a close that hangs (a stuck connection, a query that never returns) must not keep the port forever.
    setTimeout(() => {
      console.error(`[luxos] did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[luxos] failed to close cleanly:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? `[luxos] ${error.message}` : `[luxos] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
