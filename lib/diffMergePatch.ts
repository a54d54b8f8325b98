import type { Json, JsonObject } from "./jsonMergePatch";

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep equality of two JSON values. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}

/**
 * The smallest RFC 7386 merge patch that turns `before` into `after`: removed keys become
 * `null`, nested objects are diffed key by key, anything else is replaced whole.
 * `applyMergePatch(before, diffMergePatch(before, after))` equals `after` unless `after`
 * holds `null` values, which a merge patch cannot store (null means "remove").
 *
 * @example diffMergePatch({ a: 1, b: { c: 2 } }, { b: { c: 3 } }) // { a: null, b: { c: 3 } }
 */
export function diffMergePatch(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) {
    if (!(key in after)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (sameJson(old, value)) continue;
    patch[key] = isObject(old) && isObject(value) ? diffMergePatch(old, value) : value;
  }
  return patch;
}

/** True when `doc` holds a null anywhere inside objects (a merge patch would drop those keys). */
export function holdsNull(doc: Json): boolean {
  if (doc === null) return true;
  if (Array.isArray(doc)) return false;
  if (typeof doc === "object") return Object.values(doc).some(holdsNull);
  return false;
}
