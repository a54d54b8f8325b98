import { describe, expect, it } from "vitest";
import { buildAppConfig, modelUrls, requiredFeatures } from "./webLlmConfig";

describe("buildAppConfig", () => {
  it("points WebLLM at our own server's /models/ for weights and the model library", () => {
    const config = buildAppConfig({
      model: { id: "Qwen2.5-0.5B-Instruct-q4f32_1-MLC", lib: "Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu" },
      origin: "http://localhost:3000",
    });
    expect(config).toEqual({
      model_list: [
        {
          model: "http://localhost:3000/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/",
          model_id: "Qwen2.5-0.5B-Instruct-q4f32_1-MLC",
          model_lib: "http://localhost:3000/models/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm",
        },
      ],
      cacheBackend: "cache",
    });
    const urls = JSON.stringify(config);
    expect(urls).not.toMatch(/huggingface|github/u);
  });

  it("asks for shader-f16 for f16 models only", () => {
    expect(requiredFeatures("Llama-3.2-1B-Instruct-q4f16_1-MLC")).toEqual(["shader-f16"]);
    expect(requiredFeatures("Qwen2.5-0.5B-Instruct-q4f32_1-MLC")).toEqual([]);
    expect(buildAppConfig({ model: { id: "X-q4f16_1-MLC", lib: "x.wasm" }, origin: "https://lux.example" }).model_list[0]).toMatchObject({
      required_features: ["shader-f16"],
      model_lib: "https://lux.example/models/X-q4f16_1-MLC/x.wasm",
    });
  });

  it("encodes odd characters in ids and ignores the origin's path", () => {
    expect(modelUrls({ model: { id: "a b#c", lib: "l" }, origin: "http://h:1/some/page" })).toEqual({
      base: "http://h:1/models/a%20b%23c/",
      config: "http://h:1/models/a%20b%23c/mlc-chat-config.json",
      lib: "http://h:1/models/a%20b%23c/l.wasm",
    });
  });
});
