import "../serverOnly";
import { BRANCH_TAG, OUTPUT_TAG, type FanOut, type FanOutRun } from "../../lib/branches/schemas";
import { compile, createMemoryHost, fromJson, runLux, toJson, type LuxValue } from "../../lib/lux";
import { beingCreateSchema, beingListSchema } from "../../lib/schemas";
import type { JsonObject } from "../../lib/jsonMergePatch";
import type { MasterStore } from "../db/store";

/** Rows one `LOAD master query` may bring into a fan-out run. */
const MAX_QUERY_ROWS = 200;

/**
 * Fan-out (M7, seed 003): forks one branch per variant and runs the same Lux program in each on the
 * master, with the same `input` and the variant's `personality`. Each run reads its own branch
 * (`LOAD master {filters}`, `ASK`), is charged to its branch in the Tiki ledger, and leaves its output
 * as a being tagged `output` in its branch, with `attributes.kpi` saying whether it passed; fan-in is a
 * shallow merge of the chosen output (one input → one output).
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
    const output = last === undefined ? null : toJson(last);
    const passed = run.ok && output !== null;
    const error = run.error ? run.error.message : output === null ? "The program reported nothing and set no `output`." : null;
    let outputSoul: string | null = null;
    if (output !== null) {
      const made = await store.beings.create({
        ...beingCreateSchema.parse({
          genesis: { name: `${variant.name}: output`, type: "output" },
          tags: [OUTPUT_TAG],
          attributes: {
            input: input.input,
            output: output as JsonObject[keyof JsonObject],
            personality: variant.personality as JsonObject[keyof JsonObject],
            task,
            kpi: { passed, tiki: run.spent, steps: run.steps.length },
          },
        }),
        branch: branch.id,
      });
      outputSoul = made.soul;
      await caller.claim([made.soul]);
    }
    await store.tiki.record([
      { branch: branch.id, task, kind: "lux", tiki: run.spent, ok: passed, detail: { steps: run.steps.length, ...(error ? { error } : {}) } },
    ]);
    runs.push({ branch, ok: passed, output, output_soul: outputSoul, tiki: run.spent, steps: run.steps.length, error });
  }
  return runs;
}

/** A fan-out that cannot start (its program does not compile). */
export class FanOutError extends Error {
  override name = "FanOutError";
  readonly reason = "invalid_program";
}
