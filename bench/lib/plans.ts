/** EXPLAIN helpers for the store benchmarks: the store's real SQL, its plan, and a one-line summary. */
import type { MasterStore } from "../../server/db/store";

/** The first statement `fn` sends through `store.sql` (the driver the repositories use): the store's real SQL. */
export async function captureSql(store: MasterStore, fn: () => Promise<unknown>): Promise<[string, unknown[]]> {
  const driver = store.sql;
  const own = Object.getOwnPropertyDescriptor(driver, "query"); // restored exactly, own property or not
  const original = driver.query.bind(driver);
  let seen: [string, unknown[]] | undefined;
  driver.query = (text: string, params?: readonly unknown[]) => {
    seen ??= [text, [...(params ?? [])]];
    return original(text, params);
  };
  try {
    await fn();
  } finally {
    if (own) Object.defineProperty(driver, "query", own);
    else delete (driver as { query?: unknown }).query;
  }
  if (!seen) throw new Error("the store sent no SQL");
  return seen;
}

/** EXPLAIN (ANALYZE, BUFFERS) of `sql`, or with `analyze` false the plan alone (nothing runs). */
export async function explain(store: MasterStore, sql: string, params: unknown[], analyze = true): Promise<string> {
  const rows = await store.sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${analyze ? "(ANALYZE, BUFFERS) " : ""}${sql}`, params);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

/** "Limit > Index Scan using idx_base_beings_created ... [51 rows, 0.2 ms]" in one line, plus the time. */
export function planSummary(plan: string): string {
  const nodes = plan
    .split("\n")
    .filter(
      (l) => /(Scan|Sort|Limit|Join|Loop|Heap|BitmapAnd|BitmapOr)/.test(l) && !/^\s*(Sort Key|Sort Method|Heap Blocks|Heap Fetches|Buffers)/.test(l.trim()),
    )
    .map((l) =>
      l
        .replace(/^\s*->\s*/, "")
        .replace(/\s*\(cost=[^)]*\)/, "")
        .replace(/\(actual time=[\d.]+\.\.([\d.]+) rows=([\d.]+) loops=([\d.]+)\)/, (_, ms: string, rows: string, loops: string) =>
          loops === "1" ? `[${rows} rows, ${ms} ms]` : `[${rows} rows x${loops}, ${ms} ms each]`,
        )
        .trim(),
    );
  const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  return `${nodes.join(" > ")}${time ? ` | exec ${time} ms` : ""}`;
}

/** How the page's keys are found: walking the (created_at, soul) index, or a GIN bitmap then a top-N sort. */
export const planShape = (plan: string) =>
  /Index (Only )?Scan (Backward )?using idx_base_beings_created/.test(plan) ? "created_index" : /Bitmap/.test(plan) ? "gin_bitmap" : "other";
