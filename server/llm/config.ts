import "../serverOnly";

/** An OpenAI-compatible chat endpoint (Ollama, llama.cpp's server, vLLM, a hosted API). */
export interface LlmEndpoint {
  /** The API's base URL, without a trailing slash: `http://127.0.0.1:11434/v1`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …`; never leaves the server. */
  readonly apiKey?: string;
  /** The `model` field of each request; some servers (llama.cpp) ignore it, others (Ollama, OpenAI) need it. */
  readonly model?: string;
  /** How long one completion may take before the caller is told it timed out. */
  readonly timeoutMs: number;
}

/** What the reasoning procedures and the `/models/` route need from the configuration. */
export interface ReasoningConfig {
  /** Where model folders live (`LUXOS_MODELS_DIR`, default `<LUXOS_DATA_DIR>/models`); none: `/models/` serves nothing. */
  readonly modelsDir?: string;
  /** Absent when `LUXOS_LLM_URL` is not set. */
  readonly llm?: LlmEndpoint;
}
