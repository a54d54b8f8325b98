import type { Json, JsonObject } from "../../lib/jsonMergePatch";
import { jsonDocument } from "../../lib/schemas";

export type JsonObjectResult = { ok: true; value: JsonObject } | { ok: false; message: string };

/**
 * Reads a JSON object typed by a person: blank means `{}`; anything else must parse,
 * be an object, and pass the server's own document check (size).
 *
 * @example parseJsonObject('{"mood": "curious"}', "attributes") // { ok: true, value: { mood: "curious" } }
 */
export function parseJsonObject(text: string, field: string): JsonObjectResult {
  if (!text.trim()) return { ok: true, value: {} };
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Not valid JSON: ${detail}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
    return { ok: false, message: `${field} must be a JSON object such as {"key": "value"}, not ${kind}` };
  }
  const checked = jsonDocument(field).safeParse(parsed);
  if (!checked.success) return { ok: false, message: checked.error.issues[0]?.message ?? `${field} is not a valid document` };
  return { ok: true, value: checked.data };
}

/** Pretty JSON for a textarea; `{}` becomes blank so the placeholder shows. */
export function toJsonText(doc: JsonObject): string {
  return Object.keys(doc).length ? JSON.stringify(doc, null, 2) : "";
}
