import "../serverOnly";
import type { IncomingMessage } from "node:http";

/** Why a request was refused before anything else saw it. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin a request was addressed to (its Host header), as a browser would write it. */
function hostOrigins(req: IncomingMessage): string[] {
  const host = req.headers.host;
  return host ? [`http://${host}`, `https://${host}`] : [];
}

/**
 * Refuses what must never reach Next.js or tRPC, on every request and websocket upgrade:
 * - `x-middleware-subrequest` (CVE-2025-29927: it made Next.js skip its middleware; no client has a reason to send it);
 * - `Origin: null` (sandboxed frames, file: pages, some redirects: never the app itself);
 * - for state-changing methods, an Origin other than this server's (`origin`, or the Host the request came to),
 *   and a body that is not JSON (a cross-site form cannot send JSON without a preflight the server never grants).
 * Requests without an Origin (curl, server-to-server) pass: cross-site requests from browsers always carry one.
 */
export function guardRequest(req: IncomingMessage, origin: string): Refusal | null {
  if (req.headers["x-middleware-subrequest"] !== undefined)
    return { status: 400, code: "BAD_REQUEST", message: "The x-middleware-subrequest header is internal to Next.js and is refused from clients." };
  const from = req.headers.origin;
  if (from === "null")
    return { status: 403, code: "FORBIDDEN", message: "Requests from an opaque origin (Origin: null) are refused: open LuxOS at its own address." };
  const method = (req.method ?? "GET").toUpperCase();
  const upgrade = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
  if (SAFE_METHODS.has(method) && !upgrade) return null;
  if (from !== undefined && from !== origin && !hostOrigins(req).includes(from))
    return {
      status: 403,
      code: "FORBIDDEN",
      message: `Requests from ${from} are refused: only pages served by this server (${origin}) may change things here.`,
    };
  if (!upgrade) {
    const type = String(req.headers["content-type"] ?? "");
    if (!/^application\/json\b/iu.test(type))
      return {
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `Send the request body as JSON with the header "Content-Type: application/json" (got "${type || "none"}").`,
      };
  }
  return null;
}
