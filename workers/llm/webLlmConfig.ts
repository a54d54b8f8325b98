import type { AppConfig, ModelRecord } from "@mlc-ai/web-llm";
import type { LlmLoadRequest } from "../../lib/reason/llmWorkerProtocol";

/** Where a model's files are on our own server: nothing is fetched from the internet. */
export function modelUrls({ model, origin }: LlmLoadRequest): { base: string; config: string; lib: string } {
  const base = new URL(`/models/${encodeURIComponent(model.id)}/`, origin).href;
  const lib = model.lib.endsWith(".wasm") ? model.lib : `${model.lib}.wasm`;
  return { base, config: new URL("mlc-chat-config.json", base).href, lib: new URL(encodeURIComponent(lib), base).href };
}

/** GPU features a model needs by its quantization: f16 weights need `shader-f16`, which software adapters lack. */
export function requiredFeatures(modelId: string): string[] {
  return /q\d+f16|f16_/iu.test(modelId) ? ["shader-f16"] : [];
}

/**
 * WebLLM's app config for one model served from `/models/<id>/`.
 *
 * NOTE: WebLLM appends `resolve/main/` to a `model` URL that has no `/resolve/<rev>/` (Hugging Face's
 * layout), so it asks for `/models/<id>/resolve/main/<file>`; the server's `/models/` route maps that
 * back onto `<id>/<file>` (server/llm/modelFiles.ts).
 */
export function buildAppConfig(request: LlmLoadRequest): AppConfig {
  const urls = modelUrls(request);
  const features = requiredFeatures(request.model.id);
  const record: ModelRecord = {
    model: urls.base,
    model_id: request.model.id,
    model_lib: urls.lib,
    ...(features.length > 0 && { required_features: features }),
  };
  return { model_list: [record], cacheBackend: "cache" };
}
