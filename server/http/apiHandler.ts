import "../serverOnly";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { MAX_BATCH_SIZE } from "../../lib/constants";
import { formatTraceparent, parseTraceparent } from "../../lib/events/traceparent";
import type { FetchPolicy } from "../lux/fetchUrl";
import type { MasterStore } from "../db/store";
import type { ReasoningConfig } from "../llm/config";
import type { RoomServer } from "../rooms/createRoomServer";
import type { AuthService } from "../auth/createAuthService";
import { createModelsHandler } from "../llm/serveModels";
import { appRouter } from "../root";
import { createContext } from "../trpc";
import { VERSION } from "../version";

/** Largest request body the API reads: a full createMany batch fits, a runaway upload does not. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
export const TRPC_ENDPOINT = "/api/trpc";

export interface ApiHandlerOptions {
  store: MasterStore;
  /** The models folder (served at `/models/`) and the LLM endpoint the reasoning procedures use. */
  reasoning?: ReasoningConfig;
  /** The key room invites are signed with (rooms.invite). */
  roomSecret?: Uint8Array;
  /** The live rooms (rooms.postMission writes into them). */
  roomServer?: Pick<RoomServer, "write"> & Partial<Pick<RoomServer, "disconnect">>;
  /** What Lux `LOAD url` may reach (lux.fetch); private addresses are refused unless allowed. */
  luxFetch?: FetchPolicy;
  /** Sessions, passkeys and rate limits; without it every caller is the local owner (tests). */
  auth?: AuthService;
  onError?: (error: unknown, path: string | undefined) => void;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { message, code: -32600, data: { code, httpStatus: status } } });
}

/**
 * The master's HTTP API: `/api/health`, tRPC at `/api/trpc` and model files at `/models/`. Returns
 * false for any other path so the caller can pass the request on (to Next.js).
 */
/** The request's traceparent in its canonical form, or undefined when it has none or one that does not parse. */
function traceparentOf(header: string | null): string | undefined {
  const trace = parseTraceparent(header);
  return trace ? formatTraceparent(trace) : undefined;
}

export function createApiHandler({ store, reasoning = {}, roomSecret, roomServer, luxFetch, auth, onError }: ApiHandlerOptions) {
  const handleModels = createModelsHandler({ modelsDir: reasoning.modelsDir, onError: (error) => onError?.(error, "models") });
  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (await handleModels(req, res)) return true;
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/api/health") {
      try {
        await store.ping();
        sendJson(res, 200, { ok: true, store: store.kind, version: VERSION });
      } catch (error) {
        onError?.(error, "health");
        sendJson(res, 503, { ok: false, store: store.kind, version: VERSION, error: "the master store does not answer" });
      }
      return true;
    }
    if (url.pathname !== TRPC_ENDPOINT && !url.pathname.startsWith(`${TRPC_ENDPOINT}/`)) return false;

    const method = req.method ?? "GET";
    if (method === "POST") {
      const type = String(req.headers["content-type"] ?? "");
      if (!/^application\/json\b/i.test(type)) {
        sendError(
          res,
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          `Send the request body as JSON with the header "Content-Type: application/json" (got "${type || "none"}").`,
        );
        return true;
      }
    }
    let body: Buffer | undefined;
    if (method !== "GET" && method !== "HEAD") {
      try {
        body = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          sendError(res, 413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB: split it into smaller calls.`);
          return true;
        }
        throw error;
      }
    }
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(key, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    }
    const request = new Request(url, { method, headers, ...(body ? { body: new Uint8Array(body) } : {}) });
    const ip = req.socket.remoteAddress ?? "unknown";
    const caller = auth ? await auth.callerOf(req.headers.cookie) : undefined;
    // NOTE: per IP and per person on a team server; the local owner on their own machine is not throttled.
    if (auth && caller && auth.config.mode === "required") {
      const wait = auth.limits.api.take(`ip:${ip}`, ...(caller.person ? [`person:${caller.person.soul}`] : []));
      if (wait > 0) {
        res.setHeader("retry-after", String(wait));
        sendError(res, 429, "TOO_MANY_REQUESTS", `Too many requests: wait ${wait} s and try again.`);
        return true;
      }
    }
    const response = await fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req: request,
      router: appRouter,
      createContext: ({ resHeaders }) =>
        createContext(store, {
          reasoning,
          roomSecret,
          roomServer,
          ...(luxFetch && { luxFetch }),
          // NOTE: W3C trace context: a traceparent that does not parse is ignored, as the spec asks, never refused.
          traceparent: traceparentOf(request.headers.get("traceparent")),
          ...(auth &&
            caller && {
              auth: {
                mode: auth.config.mode,
                principal: caller.principal,
                person: caller.person,
                sessionToken: caller.sessionToken,
                ip,
                service: auth,
                addHeader: (name: string, value: string) => resHeaders.append(name, value),
              },
            }),
        }),
      maxBatchSize: MAX_BATCH_SIZE,
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") onError?.(error, path);
      },
    });
    res.statusCode = response.status;
    response.headers.forEach((value, key) => key !== "set-cookie" && res.setHeader(key, value));
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    res.setHeader("cache-control", "no-store");
    res.end(Buffer.from(await response.arrayBuffer()));
    return true;
  };
}
