/**
 * Both ends of the bridge between a being's worker and the tab's one LLM worker. The page (the
 * swarm host) owns the LLM worker; for each WebLLM being it exposes a guarded view of it on a
 * MessagePort and hands the other end to the being's worker, which speaks `LlmWorkerApi` over it.
 * So every being in the tab shares one engine and one request queue.
 */
import { expose } from "comlink";
import type { LlmWorkerApi } from "../../lib/reason";
import { connectLlmWorker } from "../llm/connectLlmWorker";

/**
 * The page's end: `llm` (the tab's LLM worker) exposed on `port`, minus what one being must not do
 * to the others (`unload`). Returns the function that ends it (and the being's progress subscriptions).
 */
export function serveLlmPort(llm: LlmWorkerApi, port: MessagePort): () => void {
  const subscriptions = new Set<number>();
  const guarded: LlmWorkerApi = {
    detect: (request) => llm.detect(request),
    load: (request) => llm.load(request),
    chat: (request) => llm.chat(request),
    cancel: (id) => llm.cancel(id),
    // NOTE: the listener is the being worker's comlink proxy; a local function around it is what crosses to the LLM worker.
    subscribe: async (listener) => {
      const id = await llm.subscribe((progress) => void listener(progress));
      subscriptions.add(id);
      return id;
    },
    unsubscribe: async (id) => {
      subscriptions.delete(id);
      await llm.unsubscribe(id);
    },
    status: () => llm.status(),
    // NOTE: the engine is the tab's, shared by every being: one being cannot free it for all.
    unload: () => Promise.resolve(),
  };
  expose(guarded, port);
  return () => {
    for (const id of subscriptions) void llm.unsubscribe(id).catch(() => undefined);
    subscriptions.clear();
    port.close();
  };
}

/** The being worker's end: `LlmWorkerApi` over the port the page handed it. */
export function llmOverPort(port: MessagePort): LlmWorkerApi {
  return connectLlmWorker(port).api;
}
