/** Benchmark knobs from the environment. */

/** A positive number from `name`, or `fallback` when unset or empty; anything else throws. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return n;
}

/** A flag from `name`: 0/false/no/off turn it off, anything else on; `fallback` when unset or empty. */
export function envFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  return raw === undefined || raw === "" ? fallback : !["0", "false", "no", "off"].includes(raw.toLowerCase());
}
