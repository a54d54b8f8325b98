/**
 * Situation assessment (M3.4), the middle layer: folds perceptions and expectations into the
 * world model, compares them, and on a violation wakes supervision at once and switches the
 * being to exploring until every violation is explained (the expectation was updated, or the
 * observation came back to what was expected); then back to normal.
 */
import type { Json } from "../jsonMergePatch";
import { beginTick, charge, countTick, decide, endTick, interrupt, push, quote, type Tick, type TickOptions } from "./tick";
import type { LayerResult, MindState, Violation, WorldEntry, WorldUpdate } from "./types";

/** One situation tick as a pure function of (state, now). Does nothing unless the being is running. */
export function assessSituation(state: MindState, now: number, options?: TickOptions): LayerResult {
  const tick = beginTick(state, now, options);
  runSituation(tick);
  return endTick(tick);
}

/** Whether an observation matches an expectation: numbers within `tolerance`, anything else as equal JSON. */
export function matches(expected: Json, observed: Json, tolerance: number): boolean {
  if (typeof expected === "number" && typeof observed === "number") return Math.abs(expected - observed) <= tolerance;
  return jsonEqual(expected, observed);
}

function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k]!, b[k]!));
}

/** The situation tick on a tick in progress (used by tickMind). */
export function runSituation(tick: Tick): void {
  if (tick.state.run !== "running") return;
  if (!charge(tick, { kind: "situation_tick" })) return;
  countTick(tick, "situation");
  const world: Record<string, WorldEntry> = { ...tick.state.world };
  const touched = new Map<string, WorldUpdate["kind"]>();
  for (const update of tick.state.updates) {
    const entry = world[update.key] ?? {};
    world[update.key] = update.kind === "perception" ? { ...entry, observed: update.value, observed_at: update.at } : { ...entry, expected: update.value };
    touched.set(update.key, update.kind);
  }
  tick.state = { ...tick.state, world, updates: [], interrupts: { ...tick.state.interrupts, situation: [] } };
  for (const [key, cause] of touched) compare(tick, key, cause);
  settleMode(tick);
}

function compare(tick: Tick, key: string, cause: WorldUpdate["kind"]): void {
  const entry = tick.state.world[key]!;
  const known = tick.state.violations[key];
  const violated = entry.expected !== undefined && entry.observed !== undefined && !matches(entry.expected, entry.observed, tick.state.config.numericTolerance);
  if (violated) {
    const violation: Violation = { key, expected: entry.expected!, observed: entry.observed!, since: known?.since ?? tick.now };
    tick.state = { ...tick.state, violations: { ...tick.state.violations, [key]: violation } };
    if (known) return;
    interrupt(tick, "supervision", "violation", key);
    decide(tick, {
      layer: "situation",
      decision: "expectation_violated",
      subject: key,
      rationale: `expected ${key} = ${quote(entry.expected)} but observed ${quote(entry.observed)}; supervision woken`,
      confidence: 1,
    });
  } else if (known) {
    const { [key]: _explained, ...rest } = tick.state.violations;
    tick.state = { ...tick.state, violations: rest };
    const how = cause === "expectation" ? `the expectation was updated to ${quote(entry.expected)}` : `the observation came back to ${quote(entry.observed)}`;
    decide(tick, { layer: "situation", decision: "violation_explained", subject: key, rationale: `${key} explained: ${how}`, confidence: 1 });
  }
}

/** Exploring while anything is unexplained; normal once everything is. */
function settleMode(tick: Tick): void {
  const open = Object.keys(tick.state.violations);
  if (open.length > 0 && tick.state.mode === "normal") {
    tick.state = { ...tick.state, mode: "exploring" };
    push(tick, { kind: "set_mode", mode: "exploring" });
    decide(tick, {
      layer: "situation",
      decision: "explore",
      rationale: `the world model disagrees with observation on ${open.join(", ")}; exploring until explained`,
      alternatives: [{ option: "stay normal", reason: "plans built on a wrong world model would act on false beliefs" }],
      confidence: 1,
    });
  } else if (open.length === 0 && tick.state.mode === "exploring") {
    tick.state = { ...tick.state, mode: "normal" };
    push(tick, { kind: "set_mode", mode: "normal" });
    decide(tick, { layer: "situation", decision: "back_to_normal", rationale: "every violation is explained", confidence: 1 });
  }
}
