/** One leaf that differs between two JSON documents. */
export interface FlatChange {
  /** Dotted path, e.g. `attributes.mood`. */
  readonly path: string;
  /** Undefined: the path does not exist on that side. */
  readonly then: unknown;
  readonly now: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The leaves that differ between `then` and `now`, objects walked key by key (to `maxDepth`), arrays and
 * deeper values compared whole. In path order, so the same change always reads the same.
 *
 * @example flatDiff({ a: { b: 1 } }, { a: { b: 2, c: 3 } }) // [{ path: "a.b", then: 1, now: 2 }, { path: "a.c", then: undefined, now: 3 }]
 */
export function flatDiff(then: unknown, now: unknown, maxDepth = 4, path = ""): FlatChange[] {
  if (isObject(then) && isObject(now) && maxDepth > 0) {
    const keys = [...new Set([...Object.keys(then), ...Object.keys(now)])].sort();
    return keys.flatMap((key) => flatDiff(then[key], now[key], maxDepth - 1, path ? `${path}.${key}` : key));
  }
  return JSON.stringify(then) === JSON.stringify(now) ? [] : [{ path: path || "(whole)", then, now }];
}

/** A value as a short line for a diff table. */
export function showValue(value: unknown, max = 80): string {
  if (value === undefined) return "—";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
