import { addressSchema } from "../events/address";
import { MAIN_BRANCH, MAX_TAG_LENGTH } from "../constants";
import { createBudget, type Budget } from "../tiki";
import { DEFAULT_PERIODS, EXPLORE_TIMEOUT_MS, MAX_ACTIONS_PER_SECOND, MAX_GOAL_ATTEMPTS, MAX_INBOX, NUMERIC_TOLERANCE, PLAN_TIMEOUT_MS } from "./constants";
import type { MindConfig, MindInput, MindLayer, MindState, SafetyRules } from "./types";

/** A mind could not be made from these options; the message says which and why. */
export class MindError extends Error {
  override readonly name = "MindError";
  constructor(
    readonly reason: "invalid_config",
    message: string,
  ) {
    super(message);
  }
}

export interface CreateMindOptions {
  /** The being's soul: the `source` of every event it emits. */
  readonly soul: string;
  readonly branch?: string;
  /** Tiki for this mind's work: a number for a fresh budget, or a budget already part spent. */
  readonly budget: number | Budget;
  readonly goals?: readonly { readonly id: string; readonly description: string; readonly priority?: number }[];
  /** Milliseconds between ticks, per layer (defaults: 50, 500, 5000). */
  readonly periods?: Partial<Record<MindLayer, number>>;
  readonly safety?: Partial<SafetyRules>;
  readonly numericTolerance?: number;
  readonly planTimeoutMs?: number;
  readonly exploreTimeoutMs?: number;
  readonly maxGoalAttempts?: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new MindError("invalid_config", `${name} must be a positive number of milliseconds or a count, got ${value}`);
  return value;
}

/**
 * A new mind, running, in normal mode, with every layer due at its first tick.
 * Throws a MindError for a bad soul, branch, period or limit.
 *
 * @example let mind = createMind({ soul, budget: 10_000, periods: { supervision: 2_000 } });
 */
export function createMind(options: CreateMindOptions): MindState {
  const soul = addressSchema.safeParse(options.soul);
  if (!soul.success) throw new MindError("invalid_config", `soul ${soul.error.issues[0]?.message}`);
  const branch = options.branch ?? MAIN_BRANCH;
  if (branch.length === 0 || branch.length > MAX_TAG_LENGTH) throw new MindError("invalid_config", `branch must be 1 to ${MAX_TAG_LENGTH} characters`);
  const periods = { ...DEFAULT_PERIODS, ...options.periods };
  const safety = { forbidden: [], maxActionsPerSecond: MAX_ACTIONS_PER_SECOND, ...options.safety };
  const config: MindConfig = {
    periods: {
      reflex: positive("periods.reflex", periods.reflex),
      situation: positive("periods.situation", periods.situation),
      supervision: positive("periods.supervision", periods.supervision),
    },
    safety: { forbidden: [...safety.forbidden], maxActionsPerSecond: positive("safety.maxActionsPerSecond", safety.maxActionsPerSecond) },
    numericTolerance: Math.max(0, options.numericTolerance ?? NUMERIC_TOLERANCE),
    planTimeoutMs: positive("planTimeoutMs", options.planTimeoutMs ?? PLAN_TIMEOUT_MS),
    exploreTimeoutMs: positive("exploreTimeoutMs", options.exploreTimeoutMs ?? EXPLORE_TIMEOUT_MS),
    maxGoalAttempts: positive("maxGoalAttempts", options.maxGoalAttempts ?? MAX_GOAL_ATTEMPTS),
  };
  return {
    soul: soul.data,
    branch,
    config,
    run: "running",
    mode: "normal",
    budget: typeof options.budget === "number" ? createBudget(options.budget) : options.budget,
    inbox: [],
    wake: false,
    updates: [],
    unread: [],
    world: {},
    violations: {},
    goals: (options.goals ?? []).map((g) => ({ id: g.id, description: g.description, priority: g.priority ?? 0, status: "pending", attempts: 0 })),
    operations: {},
    interrupts: { situation: [], supervision: [] },
    lastRunAt: { reflex: null, situation: null, supervision: null },
    recentActions: [],
    seq: 0,
    stats: { ticks: { reflex: 0, situation: 0, supervision: 0 }, plans_ok: 0, plans_failed: 0, ignored_results: 0, blocked_actions: 0, dropped_inputs: 0 },
  };
}

/**
 * Puts an input in the mind's inbox and marks the reflex due at once; call tickMind next.
 * Past MAX_INBOX inputs the oldest is dropped and counted. Parse untrusted input with parseMindInput first.
 */
export function enqueue(state: MindState, input: MindInput): MindState {
  const inbox = [...state.inbox, input];
  const dropped = Math.max(0, inbox.length - MAX_INBOX);
  return {
    ...state,
    inbox: dropped > 0 ? inbox.slice(dropped) : inbox,
    wake: true,
    stats: dropped > 0 ? { ...state.stats, dropped_inputs: state.stats.dropped_inputs + dropped } : state.stats,
  };
}
