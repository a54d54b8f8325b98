import { describe, expect, it } from "vitest";
import { MAX_TASKS_PER_MISSION } from "./constants";
import type { MissionId } from "./roomSchema";
import { splitMission } from "./splitMission";

const M = "m-1" as MissionId;

describe("splitMission", () => {
  it("makes one task per bullet or numbered line, ignoring the prose around them", () => {
    const tasks = splitMission(M, { title: "Garden", brief: "Please:\n- map the north bed\n* water the herbs\n3) report back\nthanks" });
    expect(tasks.map((t) => [t.id, t.title])).toEqual([
      ["m-1.1", "map the north bed"],
      ["m-1.2", "water the herbs"],
      ["m-1.3", "report back"],
    ]);
  });

  it("splits prose by sentence, and a single sentence or none is the mission itself", () => {
    expect(splitMission(M, { title: "T", brief: "Survey the site. Draw a plan; price it!" }).map((t) => t.title)).toEqual([
      "Survey the site",
      "Draw a plan",
      "price it!",
    ]);
    expect(splitMission(M, { title: "Tidy up", brief: "" })).toEqual([{ id: "m-1.1", title: "Tidy up", detail: "" }]);
    expect(splitMission(M, { title: "Tidy up", brief: "Just the kitchen." })).toEqual([{ id: "m-1.1", title: "Tidy up", detail: "Just the kitchen." }]);
  });

  it("is deterministic (two beings splitting at once write the same tasks) and bounded", () => {
    const brief = Array.from({ length: 20 }, (_, i) => `- step ${i}`).join("\n");
    const a = splitMission(M, { title: "T", brief });
    expect(a).toEqual(splitMission(M, { title: "T", brief }));
    expect(a).toHaveLength(MAX_TASKS_PER_MISSION);
    expect(a.at(-1)!.detail).toContain("also: step 12");
    expect(splitMission(M, { title: "T", brief: `- ${"x".repeat(500)}` })[0]!.title.length).toBeLessThanOrEqual(200);
  });
});
