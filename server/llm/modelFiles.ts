import "../serverOnly";
import type { Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { MAX_MODEL_DEPTH, MAX_MODEL_FILES } from "./constants";

/** A file under the models folder, or why the path does not name one (with the HTTP status that says it). */
export type ModelFile =
  { readonly ok: true; readonly file: string; readonly stats: Stats } | { readonly ok: false; readonly status: 400 | 403 | 404; readonly message: string };

/** Where to put weights, for every "not found" the route and the API give. */
export function whereToPutWeights(modelsDir: string): string {
  return (
    `Put each MLC model in its own folder under ${modelsDir} — for example ${path.join(modelsDir, "Qwen2.5-0.5B-Instruct-q4f32_1-MLC")}${path.sep} ` +
    "with mlc-chat-config.json, the tokenizer files, tensor-cache.json, the params_shard_*.bin files and the model library (.wasm) — " +
    "or set LUXOS_MODELS_DIR to the folder that holds them. reasoning.models lists what is found."
  );
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Resolves the part of a `/models/…` URL after `/models/` (still percent-encoded) to a file inside
 * `modelsDir`. Refuses `..`, `.`, empty and hidden segments, encoded slashes and backslashes (400), and
 * symlinks that lead out of the folder (403).
 *
 * NOTE: WebLLM asks for `<model>/resolve/main/<file>` (Hugging Face's layout, see workers/llm/webLlmConfig.ts);
 * `resolve/<revision>/` right after the model folder is dropped, so a plain clone of a model repository works.
 */
export async function resolveModelFile(modelsDir: string, encodedPath: string): Promise<ModelFile> {
  const segments: string[] = [];
  for (const raw of encodedPath.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, message: `"${raw}" is not valid percent-encoding` };
    }
    if (segment === "" || segment === "." || segment === ".." || segment.startsWith(".") || /[/\\\0]/u.test(segment)) {
      return {
        ok: false,
        status: 400,
        message: "A model path names a file inside a model folder: no '..', '.', empty or hidden segments, encoded slashes or backslashes",
      };
    }
    segments.push(segment);
  }
  if (segments[1] === "resolve" && segments.length >= 4) segments.splice(1, 2);

  let root: string;
  try {
    root = await realpath(modelsDir);
  } catch {
    return { ok: false, status: 404, message: `The models folder ${modelsDir} does not exist. ${whereToPutWeights(modelsDir)}` };
  }
  let real: string;
  try {
    real = await realpath(path.join(root, ...segments));
  } catch {
    return { ok: false, status: 404, message: `No model file at /models/${segments.join("/")}. ${whereToPutWeights(modelsDir)}` };
  }
  if (!isInside(root, real)) return { ok: false, status: 403, message: `/models/${segments.join("/")} leads outside the models folder` };
  const stats = await stat(real);
  if (!stats.isFile()) return { ok: false, status: 404, message: `/models/${segments.join("/")} is a folder, not a file. ${whereToPutWeights(modelsDir)}` };
  return { ok: true, file: real, stats };
}

/** One model folder as `reasoning.models` lists it. */
export interface ModelFolder {
  /** The folder's name: WebLLM's model_id and the `/models/<id>/` path. */
  readonly id: string;
  /** Total size of its files. */
  readonly bytes: number;
  readonly files: number;
  /** Whether `mlc-chat-config.json` is there (WebLLM reads it first). */
  readonly has_config: boolean;
  /** Model libraries (`.wasm` files) at its top level, for WebLLM's `model_lib`. */
  readonly libs: readonly string[];
}

export interface ModelListing {
  readonly dir: string;
  readonly exists: boolean;
  readonly models: readonly ModelFolder[];
}

/** The model folders in `modelsDir`, by name; hidden entries and symlinks leading outside are skipped. */
export async function listModels(modelsDir: string): Promise<ModelListing> {
  let root: string;
  try {
    root = await realpath(modelsDir);
    if (!(await stat(root)).isDirectory()) return { dir: modelsDir, exists: false, models: [] };
  } catch {
    return { dir: modelsDir, exists: false, models: [] };
  }
  const models: ModelFolder[] = [];
  for (const name of (await readdir(root)).sort()) {
    if (name.startsWith(".")) continue;
    const folder = await insideDir(root, path.join(root, name));
    if (!folder) continue;
    const top = await readdir(folder);
    const totals = { bytes: 0, files: 0 };
    await measure(root, folder, 0, totals);
    models.push({
      id: name,
      bytes: totals.bytes,
      files: totals.files,
      has_config: top.includes("mlc-chat-config.json"),
      libs: top.filter((f) => f.endsWith(".wasm")).sort(),
    });
  }
  return { dir: modelsDir, exists: true, models };
}

/** The real path of `entry` when it is a directory inside `root`, else undefined. */
async function insideDir(root: string, entry: string): Promise<string | undefined> {
  try {
    const real = await realpath(entry);
    return isInside(root, real) && (await stat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

async function measure(root: string, dir: string, depth: number, totals: { bytes: number; files: number }): Promise<void> {
  for (const name of await readdir(dir)) {
    if (totals.files >= MAX_MODEL_FILES) return;
    if (name.startsWith(".")) continue;
    let real: string;
    try {
      real = await realpath(path.join(dir, name));
    } catch {
      continue;
    }
    if (!isInside(root, real)) continue;
    const s = await stat(real);
    if (s.isFile()) {
      totals.bytes += s.size;
      totals.files += 1;
    } else if (s.isDirectory() && depth + 1 < MAX_MODEL_DEPTH) {
      await measure(root, real, depth + 1, totals);
    }
  }
}
