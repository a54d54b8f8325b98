import { proxy, releaseProxy, wrap, type Endpoint, type Remote } from "comlink";
import type { LlmWorkerApi } from "../../lib/reason/llmWorkerProtocol";

/**
 * The worker's API over any comlink endpoint, with listeners wrapped in `proxy()` so they can cross
 * postMessage (a plain function cannot be cloned).
 */
export function connectLlmWorker(endpoint: Endpoint): { api: LlmWorkerApi; release(): void } {
  const remote: Remote<LlmWorkerApi> = wrap<LlmWorkerApi>(endpoint);
  const api: LlmWorkerApi = {
    detect: (request) => remote.detect(request),
    load: (request) => remote.load(request),
    chat: (request) => remote.chat(request),
    cancel: (id) => remote.cancel(id),
    subscribe: (listener) => remote.subscribe(proxy(listener)),
    unsubscribe: (id) => remote.unsubscribe(id),
    status: () => remote.status(),
    unload: () => remote.unload(),
  };
  return { api, release: () => remote[releaseProxy]() };
}
