import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

describe("loadEnv", () => {
  it("runs on embedded defaults with nothing set", () => {
    expect(loadEnv({})).toMatchObject({ port: 3000, dataDir: path.resolve(".luxos"), databaseUrl: undefined, dev: false, log: "info" });
  });

  it("honours PORT, LUXOS_DATA_DIR and DATABASE_URL", () => {
    const env = loadEnv({ PORT: "4100", LUXOS_DATA_DIR: "/tmp/lux", DATABASE_URL: "postgres://u:p@db:5432/lux" });
    expect(env).toMatchObject({ port: 4100, dataDir: "/tmp/lux", databaseUrl: "postgres://u:p@db:5432/lux" });
  });

  it("reads LUXOS_SECRET, unset by default", () => {
    expect(loadEnv({}).secret).toBeUndefined();
    expect(loadEnv({ LUXOS_SECRET: "k".repeat(32) }).secret).toBe("k".repeat(32));
  });

  it("refuses private addresses to LOAD url unless LUXOS_FETCH_ALLOW_PRIVATE=1", () => {
    expect(loadEnv({}).fetchAllowPrivate).toBe(false);
    expect(loadEnv({ LUXOS_FETCH_ALLOW_PRIVATE: "1" }).fetchAllowPrivate).toBe(true);
  });

  it("runs without sign-in by default, and derives the passkey origin from HOST and PORT", () => {
    expect(loadEnv({}).auth).toEqual({ mode: "local", origin: "http://localhost:3000", rpId: "localhost", secure: false });
    expect(loadEnv({ LUXOS_AUTH: "required", PORT: "4100", HOST: "0.0.0.0" }).auth).toMatchObject({ origin: "http://localhost:4100", rpId: "localhost" });
    expect(loadEnv({ LUXOS_AUTH: "required", LUXOS_ORIGIN: "https://luxos.example.com/" }).auth).toEqual({
      mode: "required",
      origin: "https://luxos.example.com",
      rpId: "luxos.example.com",
      secure: true,
    });
  });

  it("refuses an IP address as the passkey origin on a team server", () => {
    expect(() => loadEnv({ LUXOS_AUTH: "required", LUXOS_ORIGIN: "http://10.0.0.5:3000" })).toThrow(/LUXOS_ORIGIN.*host name/);
    expect(() => loadEnv({ LUXOS_AUTH: "maybe" })).toThrow(/LUXOS_AUTH/);
  });

  it("treats empty values as unset", () => {
    expect(loadEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ LUXOS_LOG: "loud" }, "LUXOS_LOG"],
    [{ LUXOS_SECRET: "too-short" }, "LUXOS_SECRET"],
    [{ LUXOS_FETCH_ALLOW_PRIVATE: "yes" }, "LUXOS_FETCH_ALLOW_PRIVATE"],
  ])("stops on a bad value and names the variable: %o", (source, variable) => {
    let error: unknown;
    try {
      loadEnv(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
    expect((error as EnvError).message).toContain(variable);
  });
});
