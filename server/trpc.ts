/**
 * 1. CONTEXT: what every procedure gets (the master store, and who is asking).
 * 2. INITIALIZATION: tRPC with plain JSON on the wire and errors that say what to do.
 * 3. PROCEDURES: the building blocks routers use.
 */
import "./serverOnly";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { ProcedureMeta } from "../lib/auth/access";
import type { Principal } from "../lib/auth/policy";
import { createAccessCheck } from "./auth/accessCheck";
import { localPrincipal, type AuthService } from "./auth/createAuthService";
import type { Person } from "./db/identity";
import { StoreError, type StoreErrorReason } from "./db/errors";
import type { MasterStore } from "./db/store";
import { withTraceparent } from "./db/traceContext";
import type { ReasoningConfig } from "./llm/config";
import type { FetchPolicy } from "./lux/fetchUrl";
import type { RoomServer } from "./rooms/createRoomServer";

// ---------------------------------------------------------------- 1. CONTEXT

export interface Context {
  store: MasterStore;
  /** The models folder and the OpenAI-compatible endpoint; empty when neither is configured (tests). */
  reasoning: ReasoningConfig;
  /** The key room invites are signed with; rooms.invite refuses without one. */
  roomSecret: Uint8Array | undefined;
  /** The live room documents; rooms.postMission writes through it. Undefined where no room server runs. */
  roomServer: (Pick<RoomServer, "write"> & Partial<Pick<RoomServer, "disconnect">>) | undefined;
  /** What Lux `LOAD url` may reach through the master; private addresses only when allowed (LUXOS_FETCH_ALLOW_PRIVATE). */
  luxFetch: FetchPolicy;
  /** Who is asking; the authorize middleware checks every procedure's `access` rule against it. */
  auth: RequestAuth;
  /** The W3C traceparent the request came with (checked at the boundary); the procedure's writes record it. */
  traceparent: string | undefined;
}

/** The caller of one request. In-process callers (tests, server code) are the local owner unless told otherwise. */
export interface RequestAuth {
  readonly mode: "local" | "required";
  readonly principal: Principal;
  /** The caller's person, when one exists (the local owner has none until the web app first asks who it is). */
  readonly person: Person | null;
  /** The session token the request came with (sign-out revokes it). */
  readonly sessionToken: string | undefined;
  /** The caller's address, for rate limits. */
  readonly ip: string;
  /** Passkeys, challenges and limits; undefined for in-process callers, whose sign-in procedures refuse. */
  readonly service: AuthService | undefined;
  /** Adds a header to the answer, such as `Set-Cookie` or `Retry-After` (no-op in-process). */
  readonly addHeader: (name: string, value: string) => void;
}

/** What a server (or a test) hands every procedure besides the store; each part is optional. */
export interface ContextOptions {
  readonly reasoning?: ReasoningConfig;
  readonly roomSecret?: Uint8Array | undefined;
  readonly roomServer?: (Pick<RoomServer, "write"> & Partial<Pick<RoomServer, "disconnect">>) | undefined;
  readonly luxFetch?: FetchPolicy;
  readonly auth?: Partial<RequestAuth>;
  /** A traceparent already checked with parseTraceparent (apiHandler reads it from the request's header). */
  readonly traceparent?: string | undefined;
}

export function createContext(store: MasterStore, options: ContextOptions = {}): Context {
  return {
    store,
    reasoning: options.reasoning ?? {},
    roomSecret: options.roomSecret,
    roomServer: options.roomServer,
    luxFetch: options.luxFetch ?? { allowPrivate: false },
    traceparent: options.traceparent,
    auth: {
      mode: "local",
      principal: localPrincipal(options.auth?.person ?? null),
      person: null,
      sessionToken: undefined,
      ip: "in-process",
      service: undefined,
      addHeader: () => undefined,
      ...options.auth,
    },
  };
}

// ---------------------------------------------------------------- 2. INITIALIZATION

/** Turns zod issues into one readable sentence per field: `genesis.name: is required`. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join(".") : "input";
      const message = issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
      return `${where}: ${message}`;
    })
    .join("; ");
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const zod = error.cause instanceof ZodError ? error.cause : undefined;
      return {
        ...shape,
        message:
          error.code === "PARSE_ERROR" || error.cause instanceof SyntaxError
            ? `The request could not be read as JSON (${shape.message}). Send valid JSON; docs/api.md shows examples.`
            : shape.message,
        data: {
          ...shape.data,
          // NOTE: stack traces stay on the server; clients get the reason code and field errors.
          stack: undefined,
          reason: error.cause instanceof StoreError ? error.cause.reason : undefined,
          fieldErrors: zod ? Object.fromEntries(zod.issues.map((i) => [i.path.join(".") || "input", i.message])) : undefined,
        },
      };
    },
  });

const STATUS_OF: Record<StoreErrorReason, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  MISSING_ENDPOINT: "BAD_REQUEST",
  CONFLICT: "CONFLICT",
  CORE_IMMUTABLE: "FORBIDDEN",
  INVALID: "BAD_REQUEST",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  OVER_BUDGET: "PAYMENT_REQUIRED",
};

/**
 * Store errors become tRPC errors with the same words, and invalid input one readable
 * sentence, for HTTP clients and in-process callers alike.
 */
const readableErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof StoreError) throw new TRPCError({ code: STATUS_OF[cause.reason], message: cause.message, cause });
    if (cause instanceof ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: `Invalid input — ${describeZodError(cause)}`, cause });
  }
  return result;
});

/**
 * Authorization in one place: every procedure's `.meta({ access })` rule is checked here, against
 * the raw input, before the input is parsed or the procedure runs. A procedure without a rule is
 * refused. A mutation that names a branch other than main (`branch`, or `branch` one level down)
 * also needs the right to write in it: only the branch's owner writes in a branch.
 * Procedures get `ctx.access` to scope lists and search to what the caller may read.
 */
const authorize = t.middleware(async ({ ctx, meta, path, type, getRawInput, next }) => {
  const access = createAccessCheck(ctx.store, ctx.auth.principal);
  if (!meta?.access)
    throw new TRPCError({ code: "FORBIDDEN", message: `Procedure ${path} declares no access rule, so nobody may call it (add .meta({ access }) to it).` });
  await access.enforce(meta.access, await getRawInput(), type);
  return next({ ctx: { access } });
});

/** The request's trace reaches every write the procedure makes (server/db/traceContext.ts). */
const traced = t.middleware(({ ctx, next }) => withTraceparent(ctx.traceparent, () => next()));

// ---------------------------------------------------------------- 3. PROCEDURES

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Every procedure starts here: readable errors, then the access rule from its `.meta({ access })`. */
export const publicProcedure = t.procedure.use(readableErrors).use(authorize).use(traced);
