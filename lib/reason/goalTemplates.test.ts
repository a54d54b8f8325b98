import { describe, expect, it } from "vitest";
import { classifyGoal, GOAL_TEMPLATES, goalTopic, greeting, templateSteps, textAfterVerb } from "./goalTemplates";
import { PLAN_ACTIONS } from "./prompts";

describe("classifyGoal", () => {
  it.each([
    ["Hello!", "greet"],
    ["hi there", "greet"],
    ["Good morning, Ada", "greet"],
    ["Cześć", "greet"],
    ["Привет", "greet"],
    ["Hi, what is pgvector?", "answer_question"],
    ["What is the capital of France?", "answer_question"],
    ["how do beings sync", "answer_question"],
    ["The master is down?", "answer_question"],
    ["Gdzie jest mistrz", "answer_question"],
    ["Learn about quantum computing", "learn_about"],
    ["Please find out more about pgvector indexes", "learn_about"],
    ["Summarize: The cat sat. The dog ran.", "summarize"],
    ["Give me a summary of the meeting", "summarize"],
    ["podsumuj notatki", "summarize"],
    ["Paint the fence", "explore"],
    ["", "explore"],
    ["history of the world", "explore"],
  ])("%j is %s", (goal, kind) => {
    expect(classifyGoal(goal)).toBe(kind);
  });

  it("does not mistake words that merely start like a keyword", () => {
    expect(classifyGoal("hikers on the trail")).toBe("explore");
    expect(classifyGoal("cooking dinner")).toBe("explore");
    expect(classifyGoal("learned helplessness")).toBe("explore");
  });
});

describe("goalTopic", () => {
  it("takes the words after the verb, or the whole goal", () => {
    expect(goalTopic("Learn about quantum computing.")).toBe("quantum computing");
    expect(goalTopic("find out more about the pgvector HNSW index")).toBe("the pgvector HNSW index");
    expect(goalTopic("What is the capital of France?")).toBe("What is the capital of France");
    expect(goalTopic("Summarize this:\nOne.\nTwo.")).toBe("One. Two");
    expect(goalTopic("x".repeat(500))).toHaveLength(200);
  });

  it("keeps line breaks in the text after the verb", () => {
    expect(textAfterVerb("Summarize:\nOne.\nTwo.")).toBe("One.\nTwo.");
    expect(textAfterVerb("Summarize")).toBeUndefined();
    expect(textAfterVerb("hello")).toBeUndefined();
  });
});

describe("templates", () => {
  it("only use known actions, and every kind has steps", () => {
    for (const t of GOAL_TEMPLATES) for (const s of t.steps) expect(PLAN_ACTIONS).toContain(s.action);
    for (const kind of ["greet", "summarize", "learn_about", "answer_question", "explore"] as const) expect(templateSteps(kind, "x").length).toBeGreaterThan(0);
  });

  it("fill in the topic", () => {
    const steps = templateSteps("learn_about", "pgvector");
    expect(steps.some((s) => s.text.includes('"pgvector"'))).toBe(true);
    expect(steps.every((s) => !s.text.includes("{topic}"))).toBe(true);
  });

  it("greet by name", () => {
    expect(greeting({ name: "Ada" })).toMatch(/^Hello! I am Ada\./);
    expect(greeting(undefined)).toMatch(/a LuxOS being/);
  });
});
