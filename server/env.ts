import "./serverOnly";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_MERGE_THRESHOLD } from "../lib/knowledge/constants";
import type { LlmEndpoint } from "./llm/config";

/**
 * The only place LuxOS reads the environment. Every variable is validated here;
 * a bad value stops start-up with a message that names it.
 */
const envSchema = z.object({
  PORT: z.coerce
    .number({ message: "PORT must be a number" })
    .int("PORT must be a whole number")
    .min(0, "PORT must be between 0 and 65535")
    .max(65535, "PORT must be between 0 and 65535")
    .default(3000),
  // NOTE: loopback by default: in LUXOS_AUTH=local everyone who reaches the port is the owner. HOST=0.0.0.0 exposes it.
  HOST: z.string().min(1).default("127.0.0.1"),
  LUXOS_AUTH: z.enum(["local", "required"], { message: "LUXOS_AUTH is local (one owner, no sign-in) or required (passkeys)" }).default("local"),
  LUXOS_ORIGIN: z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^https?:$/u.test(new URL(v).protocol) && new URL(v).pathname === "/",
      "LUXOS_ORIGIN must be the address people open, such as https://luxos.example.com (scheme, host and port only)",
    )
    .optional(),
  LUXOS_DATA_DIR: z.string().min(1, "LUXOS_DATA_DIR cannot be empty").default(".luxos"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LUXOS_DEV: z.enum(["0", "1"], { message: "LUXOS_DEV is 0 or 1" }).default("0"),
  LUXOS_BUILD: z.enum(["auto", "if-missing"], { message: "LUXOS_BUILD is auto or if-missing" }).default("auto"),
  LUXOS_LOG: z.enum(["silent", "error", "info", "debug"], { message: "LUXOS_LOG is silent, error, info or debug" }).default("info"),
  LUXOS_MODELS_DIR: z.string().min(1).optional(),
  LUXOS_LLM_URL: z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^https?:$/u.test(new URL(v).protocol),
      "LUXOS_LLM_URL must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1",
    )
    .optional(),
  LUXOS_LLM_API_KEY: z.string().optional(),
  // NOTE: unset → generated once into <LUXOS_DATA_DIR>/secret (server/rooms/loadSecret.ts).
  LUXOS_SECRET: z.string().min(32, "LUXOS_SECRET must be at least 32 characters (for example: openssl rand -hex 32)").optional(),
  LUXOS_LLM_MODEL: z.string().optional(),
  LUXOS_LLM_TIMEOUT_MS: z.coerce
    .number({ message: "LUXOS_LLM_TIMEOUT_MS must be a number of milliseconds" })
    .int("LUXOS_LLM_TIMEOUT_MS must be a whole number")
    .min(1_000, "LUXOS_LLM_TIMEOUT_MS must be between 1000 and 600000")
    .max(600_000, "LUXOS_LLM_TIMEOUT_MS must be between 1000 and 600000")
    .default(120_000),
  // NOTE: off by default: a being must not reach the master's own network (SSRF); tests and trusted local setups turn it on.
  LUXOS_FETCH_ALLOW_PRIVATE: z.enum(["0", "1"], { message: "LUXOS_FETCH_ALLOW_PRIVATE is 0 or 1" }).default("0"),
  LUXOS_KNOWLEDGE_MERGE_THRESHOLD: z.coerce
    .number({ message: "LUXOS_KNOWLEDGE_MERGE_THRESHOLD must be a number between 0.5 and 1, such as 0.92" })
    .min(0.5, "LUXOS_KNOWLEDGE_MERGE_THRESHOLD must be between 0.5 and 1 (lower would merge facts that only share a topic)")
    .max(1, "LUXOS_KNOWLEDGE_MERGE_THRESHOLD must be between 0.5 and 1 (1 merges only identical vectors)")
    .default(DEFAULT_MERGE_THRESHOLD),
});

export type Env = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  poolSize: number;
  dev: boolean;
  /** auto: build when missing or older than the sources; if-missing: only when there is none. */
  build: "auto" | "if-missing";
  log: "silent" | "error" | "info" | "debug";
  /** Model folders served at `/models/` for WebLLM. */
  modelsDir: string;
  /** The OpenAI-compatible endpoint, when LUXOS_LLM_URL is set. */
  llm: LlmEndpoint | undefined;
  /** The key room invites are signed with (HMAC-SHA256); undefined → generated into `<dataDir>/secret`. */
  secret: string | undefined;
  /** Whether Lux `LOAD url` may fetch loopback and private addresses through the master. */
  fetchAllowPrivate: boolean;
  /** Cosine similarity at or above which a pushed fact merges into one the master holds. */
  knowledgeMergeThreshold: number;
  /** Who may do what: `local` (the one person is the owner, no sign-in) or `required` (passkeys, sessions, room roles). */
  auth: AuthConfig;
};

/** How people sign in; also the WebAuthn relying party. */
export interface AuthConfig {
  readonly mode: "local" | "required";
  /** The address people open (LUXOS_ORIGIN, or http://localhost:<PORT>): passkeys are bound to it, and requests from other origins are refused. */
  readonly origin: string;
  /** The WebAuthn relying party id: the origin's host name. */
  readonly rpId: string;
  /** Whether cookies carry `Secure` (the origin is https). */
  readonly secure: boolean;
}

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/iu;

/** The origin people open when LUXOS_ORIGIN is unset: localhost on loopback and 0.0.0.0 (WebAuthn needs a name, not an address). */
function defaultOrigin(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "127.0.0.1" || host === "::" || host === "::1" ? "localhost" : host;
  return `http://${name}:${port}`;
}

export class EnvError extends Error {
  override name = "EnvError";
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Configuration error in ${variable}: ${detail}. Fix or unset ${variable} and start again.`);
  }
}

/** Reads and validates the environment (process.env unless given). Empty strings count as unset. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // NOTE: nothing may phone home from a LuxOS server: Next.js telemetry is off, for the build too.
  if (source === process.env) process.env["NEXT_TELEMETRY_DISABLED"] ??= "1";
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(String(issue.path[0] ?? "environment"), issue.message);
  }
  const e = parsed.data;
  for (const orphan of ["LUXOS_LLM_API_KEY", "LUXOS_LLM_MODEL"] as const) {
    if (e[orphan] !== undefined && e.LUXOS_LLM_URL === undefined) throw new EnvError(orphan, "it is set but LUXOS_LLM_URL is not; set the endpoint's URL too");
  }
  const dataDir = path.resolve(e.LUXOS_DATA_DIR);
  const origin = (e.LUXOS_ORIGIN ?? defaultOrigin(e.HOST, e.PORT)).replace(/\/+$/u, "");
  const rpId = new URL(origin).hostname;
  if (e.LUXOS_AUTH === "required" && IP_HOST.test(rpId))
    throw new EnvError(
      "LUXOS_ORIGIN",
      `passkeys need a host name, not the address ${rpId}; set LUXOS_ORIGIN to the name people open, such as https://luxos.example.com`,
    );
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    dev: e.LUXOS_DEV === "1",
    build: e.LUXOS_BUILD,
    log: e.LUXOS_LOG,
    modelsDir: e.LUXOS_MODELS_DIR ? path.resolve(e.LUXOS_MODELS_DIR) : path.join(dataDir, "models"),
    llm: e.LUXOS_LLM_URL
      ? {
          url: e.LUXOS_LLM_URL.replace(/\/+$/u, ""),
          timeoutMs: e.LUXOS_LLM_TIMEOUT_MS,
          ...(e.LUXOS_LLM_API_KEY && { apiKey: e.LUXOS_LLM_API_KEY }),
          ...(e.LUXOS_LLM_MODEL && { model: e.LUXOS_LLM_MODEL }),
        }
      : undefined,
    secret: e.LUXOS_SECRET,
    fetchAllowPrivate: e.LUXOS_FETCH_ALLOW_PRIVATE === "1",
    knowledgeMergeThreshold: e.LUXOS_KNOWLEDGE_MERGE_THRESHOLD,
    auth: { mode: e.LUXOS_AUTH, origin, rpId, secure: origin.startsWith("https:") },
  };
}

/** Database URL for tests against a real PostgreSQL, if one was given. */
export function testDatabaseUrl(source: Record<string, string | undefined> = process.env): string | undefined {
  return source["TEST_DATABASE_URL"] || undefined;
}
