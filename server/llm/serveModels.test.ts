import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listModels } from "./modelFiles";
import { createModelsHandler, parseRange } from "./serveModels";

const MODEL = "Tiny-q4f32_1-MLC";
const WEIGHTS = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));

/** A raw HTTP request: the path goes on the wire exactly as given (fetch would normalize `..`). */
function raw(base: string, rawPath: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const errorOf = (body: Buffer) => (JSON.parse(body.toString("utf8")) as { error: { code: string; message: string } }).error;

describe("/models/", () => {
  let root: string;
  let modelsDir: string;
  let server: Server;
  let base = "";

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "luxos-models-"));
    modelsDir = path.join(root, "models");
    const folder = path.join(modelsDir, MODEL);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "mlc-chat-config.json"), JSON.stringify({ model_type: "qwen2" }));
    await writeFile(path.join(folder, "tiny-webgpu.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d]));
    await writeFile(path.join(folder, "params_shard_0.bin"), WEIGHTS);
    await writeFile(path.join(folder, ".secret"), "SECRET-HIDDEN");
    await writeFile(path.join(root, "outside.txt"), "SECRET-OUTSIDE");
    await symlink(path.join(root, "outside.txt"), path.join(folder, "escape.txt"));
    await symlink(path.join(folder, "params_shard_0.bin"), path.join(folder, "alias.bin"));
    await mkdir(path.join(modelsDir, "empty"));

    const handle = createModelsHandler({ modelsDir });
    server = createServer((req, res) => {
      void handle(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end("not models");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it("serves a model file with its content type, length and same-origin resource policy", async () => {
    const wasm = await fetch(`${base}/models/${MODEL}/tiny-webgpu.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(wasm.headers.get("content-length")).toBe("4");
    expect(wasm.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(wasm.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await wasm.arrayBuffer())).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));

    const config = await fetch(`${base}/models/${MODEL}/mlc-chat-config.json`);
    expect(config.headers.get("content-type")).toBe("application/json");
    expect(await config.json()).toEqual({ model_type: "qwen2" });

    const bin = await fetch(`${base}/models/${MODEL}/params_shard_0.bin`);
    expect(bin.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await bin.arrayBuffer())).toEqual(WEIGHTS);
  });

  it("maps WebLLM's resolve/main/ paths onto the model folder", async () => {
    const res = await fetch(`${base}/models/${MODEL}/resolve/main/mlc-chat-config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ model_type: "qwen2" });
  });

  it("answers byte ranges with 206, and an unsatisfiable one with 416", async () => {
    const part = await fetch(`${base}/models/${MODEL}/params_shard_0.bin`, { headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 10-19/1000");
    expect(Buffer.from(await part.arrayBuffer())).toEqual(WEIGHTS.subarray(10, 20));
    const tail = await fetch(`${base}/models/${MODEL}/params_shard_0.bin`, { headers: { range: "bytes=-5" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(WEIGHTS.subarray(995));
    const beyond = await fetch(`${base}/models/${MODEL}/params_shard_0.bin`, { headers: { range: "bytes=5000-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */1000");
  });

  it("answers HEAD without a body and revalidates with the ETag", async () => {
    const head = await raw(base, `/models/${MODEL}/params_shard_0.bin`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("1000");
    expect(head.body).toHaveLength(0);
    const again = await fetch(`${base}/models/${MODEL}/params_shard_0.bin`, { headers: { "if-none-match": String(head.headers.etag) } });
    expect(again.status).toBe(304);
  });

  it.each([
    ["/models/../package.json", 400],
    ["/models/%2e%2e/package.json", 400],
    ["/models/%2E%2E/%2E%2E/package.json", 400],
    [`/models/${MODEL}/..%2f..%2foutside.txt`, 400],
    [`/models/${MODEL}%2f..%2f..%2foutside.txt`, 400],
    [`/models/${MODEL}/..%5c..%5coutside.txt`, 400],
    [`/models/${MODEL}//mlc-chat-config.json`, 400],
    [`/models/${MODEL}/.secret`, 400],
    ["/models/%zz", 400],
    [`/models/${MODEL}/escape.txt`, 403],
  ])("refuses %s (%i) without serving anything outside the folder", async (rawPath, status) => {
    const res = await raw(base, rawPath);
    expect(res.status).toBe(status);
    expect(res.body.toString("utf8")).not.toMatch(/SECRET|"name": "luxos"/u);
    expect(errorOf(res.body).message).toMatch(/\S/);
    expect(res.headers["cross-origin-resource-policy"]).toBe("same-origin");
  });

  it("follows a symlink that stays inside the folder", async () => {
    const res = await fetch(`${base}/models/${MODEL}/alias.bin`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(WEIGHTS);
  });

  it("answers a missing file with 404 and says where to put weights", async () => {
    for (const p of ["/models/Nope-MLC/mlc-chat-config.json", `/models/${MODEL}/missing.bin`, "/models/", `/models/${MODEL}/`, "/models"]) {
      const res = await fetch(`${base}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      const error = errorOf(Buffer.from(await res.arrayBuffer()));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toContain(modelsDir);
      expect(error.message).toMatch(/mlc-chat-config\.json.*LUXOS_MODELS_DIR/su);
    }
  });

  it("refuses other methods and leaves other paths alone", async () => {
    const post = await fetch(`${base}/models/${MODEL}/tiny-webgpu.wasm`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await fetch(`${base}/modelsx`)).status).toBe(418);
    expect((await fetch(`${base}/api/health`)).status).toBe(418);
  });

  it("says so when the models folder does not exist", async () => {
    const handle = createModelsHandler({ modelsDir: path.join(root, "nowhere") });
    const other = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/models/${MODEL}/x.bin`);
      expect(res.status).toBe(404);
      expect(errorOf(Buffer.from(await res.arrayBuffer())).message).toMatch(/does not exist/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("lists model folders with their size, config and libraries", async () => {
    expect(await listModels(modelsDir)).toEqual({
      dir: modelsDir,
      exists: true,
      models: [
        { id: MODEL, bytes: 1000 + 1000 + 4 + JSON.stringify({ model_type: "qwen2" }).length, files: 4, has_config: true, libs: ["tiny-webgpu.wasm"] },
        { id: "empty", bytes: 0, files: 0, has_config: false, libs: [] },
      ],
    });
    expect(await listModels(path.join(root, "nowhere"))).toEqual({ dir: path.join(root, "nowhere"), exists: false, models: [] });
  });
});

describe("parseRange", () => {
  it.each([
    [undefined, undefined],
    ["bytes=0-9", { start: 0, end: 9 }],
    ["bytes=90-", { start: 90, end: 99 }],
    ["bytes=90-500", { start: 90, end: 99 }],
    ["bytes=-10", { start: 90, end: 99 }],
    ["bytes=-500", { start: 0, end: 99 }],
    ["bytes=100-", false],
    ["bytes=9-3", false],
    ["bytes=-0", false],
    ["bytes=0-1,5-6", undefined],
    ["items=0-1", undefined],
  ])("%s of 100 bytes → %o", (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
