import "../serverOnly";
import { BRANCH_TAG, OUTPUT_TAG, type Branch, type FanOut, type FanOutRun } from "../../lib/branches/schemas";
import { compile, createMemoryHost, fromJson, runLux, statementsOf, toJson, type LuxValue, type Program } from "../../lib/lux";
import { beingCreateSchema, beingListSchema } from "../../lib/schemas";
import type { Json, JsonObject } from "../../lib/jsonMergePatch";
import type { MasterStore } from "../db/store";

/** Rows one `LOAD master query` may bring into a fan-out run. */
const MAX_QUERY_ROWS = 200;

/**
 * Fan-out on the master (M7, seed 003), for the API (curl, scripts): forks one branch per variant and runs
 * the same Lux program in each, with the same `input` and the variant's `personality`. Each run reads its own
 * branch (`LOAD master {filters}`, `ASK`), is charged to its branch in the Tiki ledger, and leaves its output
 * as a being tagged `output` in its branch, with `attributes.kpi` saying whether it passed; fan-in is a
 * shallow merge of the chosen output (one input → one output).
 *
 * The master has no being to run the program in: no micro-world (REMEMBER, RECALL, LOAD rows), no sandbox
 * (RUN), no swarm (CALL), no dropped files. A program that needs one is refused before anything is forked
 * (`beingOnlyStatement`), never run against pretend effects; the branches page runs such a fan-out in real
 * being workers (`branches.fanOutFork` + `branches.fanOutRecord`).
 */
export interface FanOutCaller {
  /** The person forking the branches (recorded as their creator); null for the local owner before their person exists. */
  readonly creator: string | null;
  /** The souls among these the caller may read: a program sees no more of the world than whoever runs it. */
  readonly readable: (souls: readonly string[]) => Promise<Set<string>>;
  /** Records that beings the run made (its branches and outputs) belong to the caller. */
  readonly claim: (souls: readonly string[]) => Promise<void>;
}

export async function fanOut(store: MasterStore, input: FanOut, caller: FanOutCaller, signal?: AbortSignal): Promise<FanOutRun[]> {
  const { program, diagnostics } = compile(input.program, ["input", "personality"]);
  const fatal = diagnostics[0];
  if (fatal) throw new FanOutError(`The program does not compile: line ${fatal.span.line}: ${fatal.message}${fatal.hint ? ` (${fatal.hint})` : ""}`);
  const refused = beingOnlyStatement(program);
  if (refused) throw new FanOutError(refused);
  const task = `fan-out:${crypto.randomUUID()}`;
  const runs: FanOutRun[] = [];
  for (const variant of input.variants) {
    const branch = await store.branches.fork(
      { name: variant.name, parent: input.parent, isolation: "read-through", subscribe: [], budget: input.budget, purpose: `fan-out ${task}` },
      caller.creator,
    );
    await caller.claim([branch.id]);
    const host = createMemoryHost();
    const run = await runLux(program, {
      host: {
        ...host,
        async load(request, s) {
          if (request.kind !== "query") return host.load(request, s);
          const filters: unknown = request.query.trim().startsWith("{") ? JSON.parse(request.query) : { name: request.query };
          const page = await store.beings.list({ ...beingListSchema.parse({ ...(filters as object), limit: MAX_QUERY_ROWS }), branch: branch.id });
          const readable = await caller.readable(page.items.map((b) => b.soul));
          return fromJson(
            page.items
              .filter((b) => !b.tags.includes(BRANCH_TAG) && readable.has(b.soul))
              .map((b) => ({ soul: b.soul, name: b.genesis["name"], tags: b.tags, ...b.attributes })),
          );
        },
        async ask(question) {
          const found = await store.knowledge.search({ text: question, k: 5, branch: branch.id });
          const readable = await caller.readable([...new Set(found.flatMap((h) => h.sources.map((s) => s.soul)))]);
          const hits = found.filter((h) => h.sources.some((s) => readable.has(s.soul)));
          return fromJson(hits.map((h) => ({ text: h.text, confidence: h.confidence, fact: h.fact })));
        },
      },
      budget: input.budget,
      signal,
      source: "master",
      variables: { input: input.input, personality: fromJson(variant.personality) },
    });
    const last: LuxValue | undefined = host.reports.at(-1) ?? run.variables.get("output");
    const output = last === undefined ? null : (toJson(last) as Json);
    const passed = run.ok && output !== null;
    const error = run.error ? run.error.message : output === null ? "The program reported nothing and set no `output`." : null;
    const outputSoul =
      output === null
        ? null
        : await writeOutput(store, branch, caller, {
            name: variant.name,
            input: input.input,
            output,
            personality: variant.personality,
            task,
            kpi: { passed, tiki: run.spent, steps: run.steps.length },
          });
    await store.tiki.record([
      { branch: branch.id, task, kind: "lux", tiki: run.spent, ok: passed, detail: { steps: run.steps.length, ...(error ? { error } : {}) } },
    ]);
    runs.push({ branch, ok: passed, output, output_soul: outputSoul, tiki: run.spent, steps: run.steps.length, error });
  }
  return runs;
}

/** What a statement needs that only a being running in a tab has, by statement kind (and LOAD's source). */
const NEEDS_A_BEING: Readonly<Record<string, string>> = {
  remember: "REMEMBER writes into a being's micro-world",
  recall: "RECALL reads a being's micro-world",
  summon: "SUMMON makes a child of the being that runs the program",
  call: "CALL asks another being running in a tab",
  run: "RUN python runs in the kernel's sandbox of a tab",
  "load:file": "LOAD file reads a file dropped on a tab's editor",
  "load:rows": "LOAD rows reads a being's micro-world",
  "load:url": "LOAD url is fetched for a being (lux.fetch)",
};

/**
 * The sentence refusing the first statement of `program` that only a being in a tab can carry out (see
 * NEEDS_A_BEING), or null when the master can run all of it.
 */
export function beingOnlyStatement(program: Program): string | null {
  for (const statement of statementsOf(program)) {
    const why = NEEDS_A_BEING[statement.kind === "load" ? `load:${statement.source.kind}` : statement.kind];
    if (why)
      return `Line ${statement.span.line}: ${why}, and the master runs no being. Run this fan-out from the branches page, where each variant runs in a being worker of your tab (or leave that statement out for branches.fanOut).`;
  }
  return null;
}

/** The output of one variant's run, as a being tagged `output` in its branch (what a shallow merge takes into the parent). */
export async function writeOutput(
  store: MasterStore,
  branch: Branch,
  caller: Pick<FanOutCaller, "claim">,
  made: {
    name: string;
    input: string;
    output: unknown;
    personality: JsonObject;
    task: string;
    being?: string;
    kpi: { passed: boolean; tiki: number; steps: number };
  },
): Promise<string> {
  const being = await store.beings.create({
    ...beingCreateSchema.parse({
      genesis: { name: `${made.name}: output`, type: "output" },
      tags: [OUTPUT_TAG],
      attributes: {
        input: made.input,
        output: made.output as JsonObject[keyof JsonObject],
        personality: made.personality,
        task: made.task,
        ...(made.being !== undefined && { being: made.being }),
        kpi: made.kpi,
      },
    }),
    branch: branch.id,
  });
  await caller.claim([being.soul]);
  return being.soul;
}

/** A fan-out that cannot start: its program does not compile, or needs a being the master does not have. */
export class FanOutError extends Error {
  override name = "FanOutError";
  readonly reason = "invalid_program";
}
