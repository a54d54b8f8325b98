import "../serverOnly";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the fake endpoint received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/**
 * A small HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, for tests:
 * `answer` decides each response (swap it per test), `seen` records what arrived.
 */
export async function startFakeOpenAi(): Promise<{
  url: string;
  seen: SeenRequest[];
  answer: (req: SeenRequest, res: ServerResponse) => void;
  close(): Promise<void>;
}> {
  const state = {
    seen: [] as SeenRequest[],
    answer: (_req: SeenRequest, res: ServerResponse) => completion(res, "Hello from the fake model."),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text
      }
      const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      state.seen.push(seen);
      state.answer(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen: state.seen,
    set answer(fn) {
      state.answer = fn;
    },
    get answer() {
      return state.answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Answers with a well-formed chat completion. */
export function completion(res: ServerResponse, content: string, extra: { finish_reason?: string; usage?: unknown } = {}): void {
  json(res, 200, {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model: "fake-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: extra.finish_reason ?? "stop" }],
    usage: "usage" in extra ? extra.usage : { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
  });
}

/** A port on 127.0.0.1 with nothing listening (ECONNREFUSED). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
