import { describe, expect, it } from "vitest";
import { failure, useLocalCaller, type LocalCaller } from "./testing";

describe("branches and tiki procedures", () => {
  let api: LocalCaller;
  useLocalCaller((_store, caller) => (api = caller));

  it("fork, write in the branch, compare, merge: main sees the result only after the merge", async () => {
    const ada = await api.beings.create({ genesis: { name: "Ada" }, attributes: { score: 1 } });
    const branch = await api.branches.fork({ name: "try harder", budget: 500 });
    await api.beings.update({ soul: ada.soul, attributes: { score: 9 }, branch: branch.id });
    await api.beings.create({ genesis: { name: "idea" }, branch: branch.id });
    expect((await api.beings.get({ soul: ada.soul })).attributes).toEqual({ score: 1 });
    expect((await api.beings.get({ soul: ada.soul, branch: branch.id })).attributes).toEqual({ score: 9 });
    const [main, side] = await api.branches.kpis({ branches: ["main", branch.id] });
    expect(main).toMatchObject({ changed: 0 });
    expect(side).toMatchObject({ changed: 1, created: 1 });
    expect((await api.branches.preview({ branch: branch.id })).items).toHaveLength(2);
    expect(await api.branches.merge({ branch: branch.id })).toMatchObject({ status: "merged", applied: 1, created: 1 });
    expect((await api.beings.get({ soul: ada.soul })).attributes).toEqual({ score: 9 });
    expect((await api.beings.list({ name: "idea" })).items).toHaveLength(1);
    expect((await api.branches.tree()).map((b) => [b.name, b.status])).toEqual([
      ["main", "open"],
      ["try harder", "merged"],
    ]);
  });

  it("refuses a branch that is not main or a soul", async () => {
    const error = await failure(api.beings.list({ branch: "what-if" }));
    expect(error.message).toMatch(/a branch is "main" or the soul of a branch being/);
  });

  it("routes to the cheapest reasoner that fits and records why", async () => {
    await api.tiki.setBudget({ task: "t1", budget: 100 });
    const decision = await api.tiki.route({ scope: { task: "t1" }, need: { tokens_in: 2000, tokens_out: 500, quality: "any" } });
    expect(decision).toMatchObject({ ok: true, provider: "deterministic", remaining: 100 });
    const strong = await api.tiki.route({
      scope: { task: "t1" },
      need: { tokens_in: 2000, tokens_out: 500, quality: "strong" },
      available: ["deterministic", "webllm", "openai_compatible"],
    });
    expect(strong.ok).toBe(false);
    expect(strong.why).toMatch(/openai_compatible costs 600 Tiki, more than the 100 left/);
    const ledger = await api.tiki.ledger({ task: "t1" });
    expect(ledger.map((r) => [r.kind, r.ok])).toEqual([
      ["route", false],
      ["route", true],
    ]);
  });

  it("stops work over budget with an error that names the spend", async () => {
    await api.tiki.setBudget({ task: "tight", budget: 60 });
    await api.tiki.report({ being: "00000000-0000-4000-8000-000000000001", entries: [{ id: crypto.randomUUID(), kind: "lux", tiki: 50, task: "tight" }] });
    const error = await failure(api.lux.fetch({ url: "http://example.invalid/", spend: { task: "tight" } }));
    expect(error.code).toBe("PAYMENT_REQUIRED");
    expect(error.message).toMatch(/task tight has spent 50 of its 60 Tiki \(10 left\)/);
  });

  it("records a being's spend report once, however often it is sent", async () => {
    const entry = { id: crypto.randomUUID(), kind: "mind" as const, tiki: 34 };
    const being = "00000000-0000-4000-8000-000000000002";
    expect(await api.tiki.report({ being, entries: [entry] })).toEqual({ recorded: 1, duplicates: 0 });
    expect(await api.tiki.report({ being, entries: [entry] })).toEqual({ recorded: 0, duplicates: 1 });
    expect((await api.tiki.summary({ branch: "main" })).total).toBe(34);
  });

  it("fans one input out to a branch per personality and merges the chosen output into main (one input, one output)", async () => {
    await api.beings.create({ genesis: { name: "ticket" }, tags: ["ticket"], attributes: { text: "refund please" } });
    const program = [
      'LOAD master query "ticket" AS tickets',
      'SET answer = personality.greeting + " " + input',
      "REPORT {answer: answer, tickets: tickets.length} TO master",
    ].join("\n");
    const runs = await api.branches.fanOut({
      input: "we will refund you",
      program,
      variants: [
        { name: "warm", personality: { greeting: "Dear friend," } },
        { name: "terse", personality: { greeting: "FYI:" } },
      ],
    });
    expect(runs.map((r) => [r.branch.name, r.ok, r.output])).toEqual([
      ["warm", true, { answer: "Dear friend, we will refund you", tickets: 1 }],
      ["terse", true, { answer: "FYI: we will refund you", tickets: 1 }],
    ]);
    const kpis = await api.branches.kpis({ branches: runs.map((r) => r.branch.id) });
    expect(kpis.every((k) => k.tiki_spent > 0 && k.success_rate === 1 && k.created === 1)).toBe(true);
    expect((await api.beings.list({ tags_all: ["output"] })).items).toHaveLength(0);

    const [warm, terse] = runs;
    expect(await api.branches.merge({ branch: warm!.branch.id, mode: "shallow" })).toMatchObject({ status: "merged", created: 1 });
    await api.branches.drop({ branch: terse!.branch.id });
    const outputs = (await api.beings.list({ tags_all: ["output"] })).items;
    expect(outputs.map((b) => b.attributes["output"])).toEqual([{ answer: "Dear friend, we will refund you", tickets: 1 }]);
  });

  it("refuses a fan-out whose program does not compile, before forking anything", async () => {
    const error = await failure(api.branches.fanOut({ input: "x", program: "SETT a = 1", variants: [{ name: "a" }, { name: "b" }] }));
    expect(error.message).toMatch(/does not compile: line 1/);
    expect(await api.branches.tree()).toHaveLength(1);
  });

  it("refuses, before forking anything, a fan-out on the master whose program needs a being (no pretend effects)", async () => {
    const cases: [string, RegExp][] = [
      ['RUN python "result = 1" AS x\nREPORT x TO master', /Line 1: RUN python runs in the kernel's sandbox/],
      ['SET a = 1\nREMEMBER input AS "k"\nREPORT a TO master', /Line 2: REMEMBER writes into a being's micro-world/],
      ['IF true\n  SUMMON "kid" WITH {} AS kid\nEND\nREPORT input TO master', /Line 2: SUMMON/],
      ['FOR EACH w IN [1]\n  CALL being "scout" WITH {question: input} AS r\nEND\nREPORT input TO master', /Line 2: CALL asks another being/],
      ['RECALL "x" AS m\nREPORT m TO master', /RECALL reads a being's micro-world/],
      ['LOAD url "https://example.com" AS page\nREPORT page TO master', /LOAD url/],
    ];
    for (const [program, why] of cases) {
      const error = await failure(api.branches.fanOut({ input: "x", program, variants: [{ name: "a" }, { name: "b" }] }));
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(why);
      expect(error.message).toMatch(/Run this fan-out from the branches page/);
    }
    expect(await api.branches.tree()).toHaveLength(1);
  });

  it("forks a fan-out for the tab: a branch and a being per variant, the being in its branch alone", async () => {
    const ada = await api.beings.create({ genesis: { name: "Ada", personality: "kind", type: "agent" }, attributes: { reasoner: "openai" } });
    const task = await api.branches.fanOutFork({
      input: "we will refund you",
      program: 'REPORT personality.opening + " " + input TO master',
      variants: [
        { name: "warm", personality: { opening: "Dear friend," } },
        { name: "terse", personality: { opening: "FYI:", style: "brief" } },
      ],
      being: ada.soul,
    });
    expect(task.task).toMatch(/^fan-out:/);
    expect(await api.tiki.budget({ task: task.task })).toMatchObject({ budget: 2 * 5_000, spent: 0 });
    expect(task.variants.map((v) => [v.branch.name, v.branch.purpose, v.being.name, v.being.personality, v.being.reasoner, v.being.goal])).toEqual([
      ["warm", `fan-out ${task.task}`, "Ada (warm)", '{"opening":"Dear friend,"}', "openai", ""],
      ["terse", `fan-out ${task.task}`, "Ada (terse)", "brief", "openai", ""],
    ]);
    for (const v of task.variants) {
      const being = await api.beings.get({ soul: v.being.soul, branch: v.branch.id });
      expect(being.genesis).toMatchObject({ parent: ada.soul, program: task.program });
      expect(being.tags).toContain("fan-out");
      await expect(api.beings.get({ soul: v.being.soul })).rejects.toThrow();
    }
    const error = await failure(api.branches.fanOutFork({ input: "x", program: "SET a = nope", variants: [{ name: "a" }, { name: "b" }] }));
    expect(error.message).toMatch(/does not compile/);
  });

  it("records a variant's output in its branch only; fan-in takes the chosen one into main", async () => {
    const task = await api.branches.fanOutFork({ input: "hello", program: "REPORT input TO master", variants: [{ name: "a" }, { name: "b" }] });
    const [a, b] = task.variants;
    const ran = await api.branches.fanOutRecord({
      branch: a!.branch.id,
      being: a!.being.soul,
      ok: true,
      output: { reply: "A" },
      error: null,
      tiki: 12,
      steps: 3,
    });
    expect(ran).toMatchObject({ ok: true, output: { reply: "A" }, tiki: 12, steps: 3, error: null });
    const none = await api.branches.fanOutRecord({ branch: b!.branch.id, being: b!.being.soul, ok: true, output: null, error: null, tiki: 2, steps: 1 });
    expect(none).toMatchObject({ ok: false, output_soul: null, error: "The program reported nothing and set no `output`." });
    expect((await api.beings.list({ tags_all: ["output"] })).items).toHaveLength(0);
    const inBranch = await api.beings.get({ soul: ran.output_soul!, branch: a!.branch.id });
    expect(inBranch.attributes).toMatchObject({
      input: "hello",
      output: { reply: "A" },
      task: task.task,
      being: a!.being.soul,
      kpi: { passed: true, tiki: 12, steps: 3 },
    });

    // a being of another fan-out, a branch that is no fan-out's: refused with why
    expect(
      (await failure(api.branches.fanOutRecord({ branch: a!.branch.id, being: b!.being.soul, ok: true, output: 1, error: null, tiki: 0, steps: 0 }))).code,
    ).toBe("NOT_FOUND");
    const plain = await api.branches.fork({ name: "plain" });
    const refused = await failure(api.branches.fanOutRecord({ branch: plain.id, being: a!.being.soul, ok: true, output: 1, error: null, tiki: 0, steps: 0 }));
    expect(refused.message).toMatch(/was not forked by a fan-out/);

    await api.branches.merge({ branch: a!.branch.id, mode: "shallow", souls: [ran.output_soul!] });
    await api.branches.drop({ branch: b!.branch.id });
    expect((await api.beings.list({ tags_all: ["output"] })).items.map((o) => o.attributes["output"])).toEqual([{ reply: "A" }]);
    expect((await api.beings.list({ tags_all: ["fan-out"] })).items).toHaveLength(0);
  });
});
