/**
 * The worker's record of a being, read from its master documents (genesis and attributes as `beings.create`
 * and the swarm host wrote them): what a being that arrives in a being file needs to run here.
 */
import type { BeingRecord, ReasonerChoice } from "../../workers/being/api";
import { DEFAULT_BUDGET } from "../../workers/being/constants";

const REASONERS: readonly ReasonerChoice[] = ["deterministic", "webllm", "openai"];

const text = (v: unknown) => (typeof v === "string" ? v : "");
const period = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);

/** A runnable record from a being's genesis and attributes; what they lack takes the swarm's defaults. */
export function recordOfBeing(soul: string, genesis: Record<string, unknown>, attributes: Record<string, unknown>): BeingRecord {
  const reasoner = REASONERS.find((r) => r === attributes["reasoner"]) ?? "deterministic";
  const budget = attributes["budget"];
  const rates = (typeof attributes["tick_rates_ms"] === "object" && attributes["tick_rates_ms"]) || {};
  const { reflex, situation, supervision } = rates as Record<string, unknown>;
  const periods = { reflex: period(reflex), situation: period(situation), supervision: period(supervision) };
  const given = Object.fromEntries(Object.entries(periods).filter(([, v]) => v !== undefined));
  return {
    soul,
    name: text(genesis["name"]).trim() || "(unnamed)",
    personality: text(genesis["personality"]),
    goal: text(genesis["goal"]) || text(genesis["program"]),
    reasoner,
    budget: typeof budget === "number" && Number.isInteger(budget) && budget >= 0 ? budget : DEFAULT_BUDGET,
    ...(Object.keys(given).length > 0 && { periods: given }),
  };
}
