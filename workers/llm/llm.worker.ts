/// <reference lib="webworker" />
/**
 * The tab's LLM worker: one WebLLM engine for every being in the tab (a module worker, started by
 * `getLlmWorker()`). WebLLM itself is imported only when a model is loaded.
 */
import { expose } from "comlink";
import type { LlmWorkerApi } from "../../lib/reason/llmWorkerProtocol";
import { createLlmHost } from "./createLlmHost";

const api: LlmWorkerApi = createLlmHost();
expose(api);
