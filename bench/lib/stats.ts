/** Small measurement helpers shared by the benchmarks. */
import os from "node:os";

/** The q-quantile (0..1) of samples, by linear interpolation between order statistics. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Summary {
  p50: number;
  p95: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    p50: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    min: Math.min(...samples),
    max: Math.max(...samples),
    n: samples.length,
  };
}

export interface Samples {
  /** Wall-clock milliseconds per call. */
  wall: number[];
  /** This process's CPU milliseconds (user + system) per call: in-process PGlite work, robust to other load. */
  cpu: number[];
}

/**
 * Runs `fn(i)` `warmup` times unmeasured, then `samples` times measured, one after another.
 * Returns the measured durations in milliseconds.
 */
export async function sample(warmup: number, samples: number, fn: (i: number) => Promise<unknown>): Promise<Samples> {
  const [only] = await sampleEach(warmup, samples, [fn]);
  return only!;
}

/**
 * Like `sample` for several variants of one query, interleaved call by call (rotating which goes
 * first) so that every variant sees the same cache state and the same noise from other processes.
 */
export async function sampleEach(warmup: number, samples: number, fns: readonly ((i: number) => Promise<unknown>)[]): Promise<Samples[]> {
  const out = fns.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < warmup + samples; i++) {
    for (let k = 0; k < fns.length; k++) {
      const v = (k + i) % fns.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fns[v]!(i);
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (i >= warmup) {
        out[v]!.wall.push(wall);
        out[v]!.cpu.push((c.user + c.system) / 1000);
      }
    }
  }
  return out;
}

/** Rounds for display and JSON: 3 significant decimals for small values, integers for large ones. */
export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x) >= 1000) return Math.round(x);
  if (Math.abs(x) >= 10) return Math.round(x * 10) / 10;
  return Math.round(x * 1000) / 1000;
}

export function machine() {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** A plain-text table with a header rule; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === "number" ? String(round(c)) : c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === "number" || r[i] === "" || r[i] === "-"));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A benchmark's goal for one metric: at most (`<=`) or at least (`>=`) this value. */
export interface Goal {
  readonly op: "<=" | ">=";
  readonly value: number;
}

/** Rounds every metric and says, goal by goal, whether the run met it (a missing metric does not). */
export function judge(raw: Record<string, number>, goals: Record<string, Goal>) {
  const metrics = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, round(v)]));
  const verdicts = Object.entries(goals).map(([metric, g]) => {
    const value = metrics[metric] ?? null;
    return { metric, goal: `${g.op} ${g.value}`, value, pass: value !== null && (g.op === "<=" ? value <= g.value : value >= g.value) };
  });
  return { metrics, goals: verdicts };
}
