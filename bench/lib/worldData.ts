/**
 * Deterministic synthetic world for the store benchmark: beings with names, tags,
 * energy and small attributes, and a graph with planted 4-hop chains plus random edges.
 */
import { beingCreateSchema, relationshipCreateSchema, type BeingCreate, type RelationshipCreate } from "../../lib/schemas";

/** mulberry32: a tiny seeded PRNG, so every run builds the same world shape. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, n: number) => Math.floor(r() * n);

const TAG_WORDS = [
  "agent",
  "tool",
  "memory",
  "planner",
  "critic",
  "worker",
  "scout",
  "archivist",
  "oracle",
  "router",
  "python",
  "browser",
  "llm",
  "vision",
  "audio",
  "search",
  "math",
  "code",
  "docs",
  "chat",
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "zeta",
  "eta",
  "theta",
  "iota",
  "kappa",
  "red",
  "green",
  "blue",
  "amber",
  "violet",
  "cyan",
  "ochre",
  "teal",
  "coral",
  "ivory",
  "draft",
  "stable",
  "legacy",
  "experimental",
  "archived",
  "pinned",
  "shared",
  "private",
  "hot",
  "cold",
] as const;

/** The tag vocabulary: 50 tags, most common first. */
export const TAGS: readonly string[] = TAG_WORDS;

/**
 * Tags are drawn with a mild Zipf skew (weight 1/rank^0.7), as real tags are:
 * the most common tag is on about 30% of beings, the rarest on about 2%.
 */
const TAG_SKEW = 0.7;
const tagCdf = (() => {
  const w = TAGS.map((_, i) => 1 / (i + 1) ** TAG_SKEW);
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / total));
})();

function drawTag(r: () => number): string {
  const u = r();
  const i = tagCdf.findIndex((c) => u <= c);
  return TAGS[i < 0 ? TAGS.length - 1 : i]!;
}

export const KINDS = ["agent", "tool", "memory", "function", "class", "room", "document", "model"] as const;
export const GROUPS = 20;

const ADJ = ["quiet", "bright", "swift", "amber", "hollow", "silver", "brave", "lucid", "misty", "solar"];
const NOUN = ["fox", "lantern", "river", "signal", "engine", "garden", "compass", "echo", "forge", "harbor"];

/** The raw shape of one synthetic being (before zod), shared by the store and the raw-SQL path. */
export interface BeingRowData {
  tags: string[];
  energy_level: number;
  genesis: { name: string; type: string };
  attributes: { kind: string; grp: string; score: number };
}

export function makeBeing(r: () => number, i: number): BeingRowData {
  const tags = new Set<string>();
  const n = 1 + int(r, 4);
  while (tags.size < n) tags.add(drawTag(r));
  const kind = KINDS[int(r, KINDS.length)]!;
  return {
    tags: [...tags],
    energy_level: int(r, 101),
    genesis: { name: `${ADJ[int(r, ADJ.length)]}-${NOUN[int(r, NOUN.length)]}-${i}`, type: kind },
    attributes: { kind, grp: `g${int(r, GROUPS)}`, score: int(r, 100) },
  };
}

export const REL_TAGS = ["knows", "spawned", "uses", "owns", "follows", "mentors", "calls", "reads"] as const;

export interface RelRowData {
  source_soul: string;
  target_soul: string;
  tags: string[];
  energy_level: number;
  genesis: { kind: string };
  attributes: { weight: number };
}

export function makeRel(r: () => number, source: string, target: string): RelRowData {
  return {
    source_soul: source,
    target_soul: target,
    tags: [REL_TAGS[int(r, REL_TAGS.length)]!],
    energy_level: int(r, 101),
    genesis: { kind: "link" },
    attributes: { weight: Math.round(r() * 100) / 100 },
  };
}

/** What the API layer hands the store: zod OUTPUT types. */
export const parseBeing = (b: BeingRowData): BeingCreate => beingCreateSchema.parse(b);
export const parseRel = (r: RelRowData): RelationshipCreate => relationshipCreateSchema.parse(r);

export interface Graph {
  /** Edges as [sourceIndex, targetIndex] into the beings array; chain edges first. */
  edges: [number, number][];
  /** Planted chains: each is 5 distinct being indices, joined by 4 out-edges. */
  chains: number[][];
}

/**
 * A graph over `n` beings with `m` edges: `chains` planted chains of 4 hops
 * (5 distinct beings), then random edges (no self-loops) with sources taken
 * round-robin so every being has about m/n out-edges.
 */
export function makeGraph(r: () => number, n: number, m: number, chains: number): Graph {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = int(r, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const planted: number[][] = [];
  const edges: [number, number][] = [];
  for (let c = 0; c < chains && (c + 1) * 5 <= n; c++) {
    const chain = order.slice(c * 5, c * 5 + 5);
    planted.push(chain);
    for (let k = 0; k < 4; k++) edges.push([chain[k]!, chain[k + 1]!]);
  }
  for (let e = 0; edges.length < m; e++) {
    const s = e % n;
    let t = int(r, n);
    if (t === s) t = (t + 1) % n;
    edges.push([s, t]);
  }
  return { edges, chains: planted };
}

// ---------------------------------------------------------------- literal SQL for the raw baseline

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (a: readonly string[]) => (a.length ? `ARRAY[${a.map(lit).join(",")}]::text[]` : "'{}'::text[]");
const jsonb = (doc: unknown) => `${lit(JSON.stringify(doc))}::jsonb`;

/** One multi-row INSERT ... VALUES with literals, the same columns the store writes. */
export function rawBeingsInsert(table: string, rows: readonly BeingRowData[]): string {
  const values = rows.map(
    (b) =>
      `(${lit(crypto.randomUUID())}::uuid,${textArray(b.tags)},${b.energy_level},${jsonb(b.genesis)},${jsonb(b.attributes)},'{}'::jsonb,'{}'::jsonb,ARRAY['main']::text[])`,
  );
  return `INSERT INTO ${table} (soul, tags, energy_level, genesis, attributes, memories, self_awareness, branches) VALUES\n${values.join(",\n")}`;
}

export function rawRelsInsert(table: string, rows: readonly RelRowData[]): string {
  const values = rows.map(
    (r) =>
      `(${lit(crypto.randomUUID())}::uuid,${textArray(r.tags)},${r.energy_level},${lit(r.source_soul)}::uuid,${lit(r.target_soul)}::uuid,${jsonb(r.genesis)},${jsonb(r.attributes)},ARRAY['main']::text[])`,
  );
  return `INSERT INTO ${table} (id, tags, energy_level, source_soul, target_soul, genesis, attributes, branches) VALUES\n${values.join(",\n")}`;
}
