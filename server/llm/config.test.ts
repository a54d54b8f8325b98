import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../env";

// The reasoning variables of server/env.ts.
describe("loadEnv: reasoning", () => {
  it("serves models from <LUXOS_DATA_DIR>/models and has no endpoint by default", () => {
    expect(loadEnv({})).toMatchObject({ modelsDir: path.resolve(".luxos", "models"), llm: undefined });
    expect(loadEnv({ LUXOS_DATA_DIR: "/tmp/lux" }).modelsDir).toBe("/tmp/lux/models");
    expect(loadEnv({ LUXOS_MODELS_DIR: "/srv/weights" }).modelsDir).toBe("/srv/weights");
  });

  it("reads the endpoint, without its trailing slash", () => {
    const env = loadEnv({ LUXOS_LLM_URL: "http://127.0.0.1:11434/v1/", LUXOS_LLM_API_KEY: "k", LUXOS_LLM_MODEL: "qwen2.5:0.5b", LUXOS_LLM_TIMEOUT_MS: "5000" });
    expect(env.llm).toEqual({ url: "http://127.0.0.1:11434/v1", apiKey: "k", model: "qwen2.5:0.5b", timeoutMs: 5000 });
    expect(loadEnv({ LUXOS_LLM_URL: "https://api.example.com/v1" }).llm).toEqual({ url: "https://api.example.com/v1", timeoutMs: 120_000 });
  });

  it.each([
    [{ LUXOS_LLM_URL: "localhost:11434" }, "LUXOS_LLM_URL"],
    [{ LUXOS_LLM_URL: "ftp://x/v1" }, "LUXOS_LLM_URL"],
    [{ LUXOS_LLM_URL: "http://x/v1", LUXOS_LLM_TIMEOUT_MS: "10" }, "LUXOS_LLM_TIMEOUT_MS"],
    [{ LUXOS_LLM_API_KEY: "k" }, "LUXOS_LLM_API_KEY"],
    [{ LUXOS_LLM_MODEL: "m" }, "LUXOS_LLM_MODEL"],
  ])("stops on %o and names %s", (source, variable) => {
    let error: unknown;
    try {
      loadEnv(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).variable).toBe(variable);
  });
});
