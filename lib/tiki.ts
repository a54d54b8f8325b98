import type { Result } from "./result";
export type { Result } from "./result";
/**
 * Tiki, the action points of LuxOS (M7): the one unit every step is costed in, so a
 * task's budget can cover mind ticks, embeddings, model tokens, master calls and sandbox
 * time alike, and a router can pick the cheapest provider that fits.
 *
 * Tiki are whole numbers: costs round up, so a budget never drifts with floating point
 * and no non-empty step is ever free by rounding.
 */

/** Who answers a reasoning request (M3.5): the model-free reasoner, WebLLM in the tab, or an OpenAI-compatible endpoint. */
export type LlmProvider = "deterministic" | "webllm" | "openai_compatible";

/** The cost table. Each number has its reason; tune here, nowhere else. */
export const TIKI_COSTS = {
  /** A handful of comparisons; the unit itself, so 20 Hz costs 20 Tiki a second. */
  reflex_tick: 1,
  /** Folds perceptions into the world model and compares: a few times the reflex. */
  situation_tick: 5,
  /** Goal bookkeeping and a choice between goals. */
  supervision_tick: 20,
  /** Dispatching a plan to a reasoner (its tokens are charged on top as `llm`). */
  plan_operation: 100,
  /** Hashing or a small local model over 1,000 characters. */
  embed_per_1k_chars: 10,
  /** Per 1,000 tokens. Deterministic is nearly free; local WebLLM costs the user's GPU and battery; the cloud costs money. */
  llm_per_1k_tokens: {
    deterministic: { in: 1, out: 1 },
    webllm: { in: 20, out: 60 },
    openai_compatible: { in: 150, out: 600 },
  },
  /** A round trip to the master: network, a Postgres query, the master's own work. */
  master_call: 50,
  /** One second of Pyodide CPU in the sandbox worker. */
  sandbox_per_1k_ms: 200,
  /** A Lux control step (SET, IF, FOR EACH, EMIT, WAIT): an interpreter dispatch and a trace line. */
  lux_step: 1,
  /** A read or write in the being's own micro-world (local SQLite): cheaper than the master, dearer than a comparison. */
  memory_op: 2,
  /** Asking another being (Lux CALL): a message each way and the callee's own work. */
  being_call: 100,
  /** Creating a being (Lux SUMMON): a soul, a worker, a relationship at the master. */
  summon: 500,
  /** A page the master fetches for Lux `LOAD url`, per 1,000 bytes on top of the master call: a page is cheap, a megabyte is not. */
  fetch_per_1k_bytes: 1,
} as const satisfies {
  reflex_tick: number;
  situation_tick: number;
  supervision_tick: number;
  plan_operation: number;
  embed_per_1k_chars: number;
  llm_per_1k_tokens: Record<LlmProvider, { in: number; out: number }>;
  master_call: number;
  sandbox_per_1k_ms: number;
  lux_step: number;
  memory_op: number;
  being_call: number;
  summon: number;
  fetch_per_1k_bytes: number;
};

/** One step that costs Tiki. */
export type TikiStep =
  | { kind: "reflex_tick" }
  | { kind: "situation_tick" }
  | { kind: "supervision_tick" }
  | { kind: "plan_operation" }
  | { kind: "embed"; chars: number }
  | { kind: "llm"; provider: LlmProvider; tokensIn: number; tokensOut: number }
  | { kind: "master_call" }
  | { kind: "sandbox"; ms: number }
  | { kind: "lux_step" }
  | { kind: "memory_op" }
  | { kind: "being_call" }
  | { kind: "summon" }
  | { kind: "fetch"; bytes: number };

/** A step with its price in whole Tiki. */
export interface Cost {
  readonly step: TikiStep;
  readonly tiki: number;
}

/** A task's allowance: `limit` Tiki, of which `spent` are gone. A plain value: spending returns a new one. */
export interface Budget {
  readonly limit: number;
  readonly spent: number;
}

/** Why a spend was refused; `message` names the step and the amounts. */
export interface OverBudget {
  readonly reason: "over_budget";
  readonly step: TikiStep;
  readonly tiki: number;
  readonly remaining: number;
  readonly message: string;
}

/** An expected failure, returned rather than thrown. */

function quantity(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  return value;
}

/** `perThousand` Tiki per 1,000 units, rounded up. */
function perThousand(units: number, rate: number): number {
  return Math.ceil((units * rate) / 1000);
}

/**
 * The price of one step in whole Tiki. Throws a RangeError for a negative or non-finite quantity.
 *
 * @example costOf({ kind: "llm", provider: "webllm", tokensIn: 1200, tokensOut: 300 }).tiki // 24 + 18 = 42
 */
export function costOf(step: TikiStep): Cost {
  const c = TIKI_COSTS;
  switch (step.kind) {
    case "reflex_tick":
    case "situation_tick":
    case "supervision_tick":
    case "plan_operation":
    case "master_call":
    case "lux_step":
    case "memory_op":
    case "being_call":
    case "summon":
      return { step, tiki: c[step.kind] };
    case "embed":
      return { step, tiki: perThousand(quantity("chars", step.chars), c.embed_per_1k_chars) };
    case "llm": {
      const rate = c.llm_per_1k_tokens[step.provider];
      const tiki = perThousand(quantity("tokensIn", step.tokensIn), rate.in) + perThousand(quantity("tokensOut", step.tokensOut), rate.out);
      return { step, tiki };
    }
    case "sandbox":
      return { step, tiki: perThousand(quantity("ms", step.ms), c.sandbox_per_1k_ms) };
    case "fetch":
      return { step, tiki: c.master_call + perThousand(quantity("bytes", step.bytes), c.fetch_per_1k_bytes) };
  }
}

/** A short human name for a step, as used in refusals and the UI: `llm (webllm, 1200 in / 300 out)`. */
export function describeStep(step: TikiStep): string {
  switch (step.kind) {
    case "embed":
      return `embed (${step.chars} chars)`;
    case "llm":
      return `llm (${step.provider}, ${step.tokensIn} in / ${step.tokensOut} out)`;
    case "sandbox":
      return `sandbox (${step.ms} ms)`;
    case "fetch":
      return `fetch (${step.bytes} bytes)`;
    default:
      return step.kind;
  }
}

/** A fresh budget of `limit` whole Tiki. Throws a RangeError for a negative or fractional limit. */
export function createBudget(limit: number): Budget {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`a Tiki budget is a whole number ≥ 0, got ${limit}`);
  return { limit, spent: 0 };
}

/** Tiki still available (never negative). */
export function remaining(budget: Budget): number {
  return Math.max(0, budget.limit - budget.spent);
}

/** Whether the budget can pay for `cost` right now. */
export function canAfford(budget: Budget, cost: Cost): boolean {
  return cost.tiki <= remaining(budget);
}

/**
 * Pays for one step, or refuses with an error that names the step and the amounts; a refusal spends nothing.
 *
 * @example spend(createBudget(10), costOf({ kind: "plan_operation" })) // { ok: false, error: { reason: "over_budget", message: "plan_operation costs 100 Tiki but only 10 of 10 remain; …" } }
 */
export function spend(budget: Budget, cost: Cost): Result<Budget, OverBudget> {
  const left = remaining(budget);
  if (cost.tiki > left) {
    const message = `${describeStep(cost.step)} costs ${cost.tiki} Tiki but only ${left} of ${budget.limit} remain; raise the budget or choose a cheaper step`;
    return { ok: false, error: { reason: "over_budget", step: cost.step, tiki: cost.tiki, remaining: left, message } };
  }
  return { ok: true, value: { limit: budget.limit, spent: budget.spent + cost.tiki } };
}

/**
 * Records Tiki already spent by work whose cost was only known afterwards (a model call, a sandbox run).
 * Unlike `spend` it cannot refuse: it may pass the limit, which leaves nothing remaining.
 */
export function recordSpent(budget: Budget, tiki: number): Budget {
  if (!Number.isSafeInteger(tiki) || tiki < 0) throw new RangeError(`spent Tiki are a whole number ≥ 0, got ${tiki}`);
  return { limit: budget.limit, spent: budget.spent + tiki };
}

/** The same budget with a new limit (a grant or a cut); what was spent stays spent. */
export function withLimit(budget: Budget, limit: number): Budget {
  return { ...createBudget(limit), spent: budget.spent };
}
