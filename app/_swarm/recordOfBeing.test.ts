import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGET } from "../../workers/being/constants";
import { recordOfBeing } from "./recordOfBeing";

describe("recordOfBeing", () => {
  it("reads what the swarm host wrote at spawn", () => {
    const genesis = { name: "Scout", type: "agent", personality: "curious", goal: "map the area", program: "map the area" };
    const attributes = { tick_rates_ms: { reflex: 50, situation: 500, supervision: 5000 }, budget: 300, reasoner: "openai" };
    expect(recordOfBeing("s1", genesis, attributes)).toEqual({
      soul: "s1",
      name: "Scout",
      personality: "curious",
      goal: "map the area",
      reasoner: "openai",
      budget: 300,
      periods: { reflex: 50, situation: 500, supervision: 5000 },
    });
  });

  it("fills what a hand-made being lacks with the swarm's defaults", () => {
    expect(recordOfBeing("s2", { name: " " }, { reasoner: "gpt-9", budget: -1, tick_rates_ms: { reflex: "fast" } })).toEqual({
      soul: "s2",
      name: "(unnamed)",
      personality: "",
      goal: "",
      reasoner: "deterministic",
      budget: DEFAULT_BUDGET,
    });
  });
});
