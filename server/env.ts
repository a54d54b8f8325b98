import "./serverOnly";
import path from "node:path";
import { z } from "zod";

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
  // NOTE: loopback by default until people and sessions exist (identity issue); HOST=0.0.0.0 exposes it.
  HOST: z.string().min(1).default("127.0.0.1"),
  LUXOS_DATA_DIR: z.string().min(1, "LUXOS_DATA_DIR cannot be empty").default(".luxos"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LUXOS_DEV: z.enum(["0", "1"], { message: "LUXOS_DEV is 0 or 1" }).default("0"),
  LUXOS_LOG: z.enum(["silent", "error", "info", "debug"], { message: "LUXOS_LOG is silent, error, info or debug" }).default("info"),
});

export type Env = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  poolSize: number;
  dev: boolean;
  log: "silent" | "error" | "info" | "debug";
};

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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.LUXOS_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    dev: e.LUXOS_DEV === "1",
    log: e.LUXOS_LOG,
  };
}

/** Database URL for tests against a real PostgreSQL, if one was given. */
export function testDatabaseUrl(source: Record<string, string | undefined> = process.env): string | undefined {
  return source["TEST_DATABASE_URL"] || undefined;
}
