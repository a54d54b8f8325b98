import "../serverOnly";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const PYODIDE_DIR = path.join(ROOT, "node_modules/pyodide");
const WORKER_ENTRY = path.join(ROOT, "workers/sandbox/sandbox.worker.ts");

/** Where the sandbox worker script is served; its CSP is what keeps Python off the network. */
export const SANDBOX_WORKER_PATH = "/sandbox/sandbox.worker.js";
/** Pyodide's files live under this prefix plus the version, so browsers may cache them forever. */
export const PYODIDE_ROUTE = "/pyodide/";

/**
 * The sandbox worker's Content-Security-Policy: scripts only from this origin (Pyodide's modules),
 * WebAssembly compilation, and nothing else: no fetch, XHR, WebSocket or EventSource (connect-src),
 * no eval or Function (no 'unsafe-eval'), no nested workers. Pyodide's own files reach it by postMessage.
 */
export const SANDBOX_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'";

const PYODIDE_FILES: Record<string, string> = {
  "pyodide.mjs": "text/javascript; charset=utf-8",
  "pyodide.asm.mjs": "text/javascript; charset=utf-8",
  "pyodide.asm.wasm": "application/wasm",
  "python_stdlib.zip": "application/zip",
  "pyodide-lock.json": "application/json",
};

const ISOLATION = {
  "cross-origin-resource-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "x-content-type-options": "nosniff",
};

let pyodideVersion: Promise<string> | undefined;
/** The installed Pyodide's version (`314.0.7`), which names its route. */
export function getPyodideVersion(): Promise<string> {
  return (pyodideVersion ??= readFile(path.join(PYODIDE_DIR, "package.json"), "utf8").then((text) => (JSON.parse(text) as { version: string }).version));
}

let workerBundle: Promise<string> | undefined;
/** The sandbox worker as one ES module, bundled once per process with esbuild (tsx's own bundler). */
function bundleWorker(): Promise<string> {
  return (workerBundle ??= (async () => {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [WORKER_ENTRY],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      legalComments: "none",
    });
    return result.outputFiles[0]!.text;
  })().catch((error: unknown) => {
    workerBundle = undefined;
    throw error;
  }));
}

/**
 * Bundles the sandbox worker now rather than on its first request, so the first Python run a person starts does
 * not wait for esbuild. A failure is only logged here: the request that needs the bundle tries again and answers it.
 */
export function prepareSandboxAssets(onError: (error: unknown) => void): void {
  bundleWorker().catch(onError);
}

function notFound(res: ServerResponse, message: string): void {
  res.writeHead(404, { ...ISOLATION, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(message);
}

/**
 * `/sandbox/sandbox.worker.js` (with SANDBOX_CSP) and `/pyodide/<version>/<file>` (Pyodide's five core
 * files from node_modules). Answers false for other paths.
 */
export async function handleSandboxAssets(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const pathname = (req.url ?? "/").split(/[?#]/u)[0]!;
  if (pathname === SANDBOX_WORKER_PATH) {
    const code = await bundleWorker();
    res.writeHead(200, {
      ...ISOLATION,
      "content-type": "text/javascript; charset=utf-8",
      "content-security-policy": SANDBOX_CSP,
      "cache-control": "no-cache",
      "content-length": Buffer.byteLength(code),
    });
    res.end(req.method === "HEAD" ? undefined : code);
    return true;
  }
  if (!pathname.startsWith(PYODIDE_ROUTE)) return false;
  const [version, file, ...rest] = pathname.slice(PYODIDE_ROUTE.length).split("/");
  const type = file ? PYODIDE_FILES[file] : undefined;
  if (rest.length || !type || version !== `v${await getPyodideVersion()}`) {
    notFound(res, `No such Pyodide file: this server serves ${PYODIDE_ROUTE}v${await getPyodideVersion()}/ with ${Object.keys(PYODIDE_FILES).join(", ")}.`);
    return true;
  }
  const full = path.join(PYODIDE_DIR, file!);
  const info = await stat(full);
  res.writeHead(200, {
    ...ISOLATION,
    "content-type": type,
    "content-length": info.size,
    // NOTE: the version is in the path, so a file never changes under its URL.
    "cache-control": "public, max-age=31536000, immutable",
  });
  res.end(req.method === "HEAD" ? undefined : await readFile(full));
  return true;
}
