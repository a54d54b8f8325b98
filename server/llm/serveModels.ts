import "../serverOnly";
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { resolveModelFile, whereToPutWeights } from "./modelFiles";

export const MODELS_ROUTE = "/models/";

const CONTENT_TYPES: Record<string, string> = {
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".bin": "application/octet-stream",
  ".model": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** Headers on every answer of the route, errors included. */
const BASE_HEADERS = {
  // NOTE: the app is cross-origin isolated (COEP require-corp); weights are for this origin's pages and workers only.
  "cross-origin-resource-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

function sendJson(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  const text = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    ...BASE_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...extra,
  });
  res.end(text);
}

/** A single `bytes=` range within `size`: the range, `undefined` to send everything, or `false` when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | false {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  // NOTE: several ranges (a multipart answer) are allowed to be answered in full; nobody loading weights asks for them.
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return false;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return false;
  return { start, end };
}

/**
 * `/models/…`: model weights and libraries from `LUXOS_MODELS_DIR`, for WebLLM in the browser, so
 * nothing is fetched from the internet. GET and HEAD, single byte ranges, ETag revalidation.
 * Answers false for other paths. `rawUrl` is `req.url` as received: it is read before any URL
 * normalization, so `/models/../x` is refused here rather than quietly becoming `/x`.
 */
export function createModelsHandler(options: { modelsDir: string | undefined; onError?: (error: unknown) => void }) {
  return async function handleModels(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const rawPath = (req.url ?? "/").split(/[?#]/u)[0]!;
    if (rawPath !== "/models" && !rawPath.startsWith(MODELS_ROUTE)) return false;
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      sendJson(res, 405, "METHOD_NOT_SUPPORTED", `${method} is not supported on /models/: use GET or HEAD`, { allow: "GET, HEAD" });
      return true;
    }
    if (!options.modelsDir) {
      sendJson(res, 404, "NOT_FOUND", "This server serves no models: set LUXOS_MODELS_DIR (or LUXOS_DATA_DIR) and restart it.");
      return true;
    }
    const relative = rawPath.slice(MODELS_ROUTE.length);
    if (relative === "" || relative.endsWith("/")) {
      sendJson(res, 404, "NOT_FOUND", `/models/ serves files, not folders. ${whereToPutWeights(options.modelsDir)}`);
      return true;
    }
    const found = await resolveModelFile(options.modelsDir, relative);
    if (!found.ok) {
      sendJson(res, found.status, found.status === 400 ? "BAD_REQUEST" : found.status === 403 ? "FORBIDDEN" : "NOT_FOUND", found.message);
      return true;
    }

    const { file, stats } = found;
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      ...BASE_HEADERS,
      "content-type": CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "accept-ranges": "bytes",
      etag,
      "last-modified": stats.mtime.toUTCString(),
      // NOTE: WebLLM keeps its own copy in the Cache API; the browser only needs to revalidate.
      "cache-control": "no-cache",
    };
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    const ifRange = req.headers["if-range"];
    const range = ifRange && ifRange !== etag ? undefined : parseRange(req.headers.range, stats.size);
    if (range === false) {
      res.writeHead(416, { ...headers, "content-range": `bytes */${stats.size}`, "content-length": 0 });
      res.end();
      return true;
    }
    const { start, end } = range ?? { start: 0, end: stats.size - 1 };
    const length = stats.size === 0 ? 0 : end - start + 1;
    res.writeHead(range ? 206 : 200, { ...headers, "content-length": length, ...(range && { "content-range": `bytes ${start}-${end}/${stats.size}` }) });
    if (method === "HEAD" || length === 0) {
      res.end();
      return true;
    }
    try {
      await pipeline(createReadStream(file, { start, end }), res);
    } catch (error) {
      // NOTE: a client that hangs up mid-download is normal for large weights; anything else is logged.
      if ((error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") options.onError?.(error);
      res.destroy();
    }
    return true;
  };
}
