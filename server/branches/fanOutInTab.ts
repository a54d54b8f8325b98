import "../serverOnly";
import { FAN_OUT_TAG, type FanOutFork, type FanOutRecord, type FanOutRun, type FanOutTask, type FanOutVariant } from "../../lib/branches/schemas";
import { MAIN_BRANCH } from "../../lib/constants";
import { compile } from "../../lib/lux";
import { beingCreateSchema, type Being } from "../../lib/schemas";
import type { MasterStore } from "../db/store";
import { FanOutError, writeOutput, type FanOutCaller } from "./fanOut";

/** The Lux variables every variant's run is given: the same `input`, its own `personality`. */
export const FAN_OUT_VARIABLES = ["input", "personality"] as const;
/** What a fan-out branch's `purpose` starts with; the task follows. */
const PURPOSE = "fan-out ";
/** The reasoners a being worker knows; anything else a template being names runs the deterministic one. */
const REASONERS = new Set(["deterministic", "webllm", "openai"]);
/** The mind's budget of a variant's being: enough for its ticks while the program runs (the run has its own budget). */
const VARIANT_MIND_BUDGET = 10_000;

/** A personality object in words, for a being's genesis (a `description` or `style` when there is one, else the JSON). */
function personalityText(personality: Record<string, unknown>, fallback: string): string {
  for (const key of ["description", "style", "tone"]) if (typeof personality[key] === "string") return personality[key];
  return Object.keys(personality).length > 0 ? JSON.stringify(personality) : fallback;
}

/**
 * Fan-out in the caller's tab (the branches page): forks one branch per variant for one task and genesis'es
 * in each a being that will run the program there, in a being worker of the tab (its master calls carry the
 * branch; its RUN python and CALL go through the tab's kernel; its REMEMBER into its own micro-world). The
 * being is new, or a copy of `input.being` (its genesis and reasoner) with the variant's personality. Nothing
 * runs here: the tab runs each variant and records its output with {@link recordVariantOutput}.
 */
export async function forkVariants(store: MasterStore, input: FanOutFork, caller: FanOutCaller): Promise<FanOutTask> {
  const { diagnostics } = compile(input.program, FAN_OUT_VARIABLES);
  const fatal = diagnostics[0];
  if (fatal) throw new FanOutError(`The program does not compile: line ${fatal.span.line}: ${fatal.message}${fatal.hint ? ` (${fatal.hint})` : ""}`);
  let template: Being | null = null;
  // NOTE: the copy carries the template's genesis: the router has checked that the caller may read it.
  if (input.being !== undefined) template = await store.beings.get(input.being, input.parent);
  const task = `fan-out:${crypto.randomUUID()}`;
  // NOTE: the whole fan-out is one task with a budget (each variant's run may spend `budget`), so the ledger shows what it has left.
  await store.tiki.setBudget({ task, branch: input.parent, budget: input.budget * input.variants.length }, { person: caller.creator, override: false });
  const variants: FanOutVariant[] = [];
  for (const variant of input.variants) {
    const branch = await store.branches.fork(
      { name: variant.name, parent: input.parent, isolation: "read-through", subscribe: [], budget: input.budget, purpose: `${PURPOSE}${task}` },
      caller.creator,
    );
    await caller.claim([branch.id]);
    const base = template?.genesis ?? {};
    const baseName = typeof base["name"] === "string" ? base["name"] : null;
    const name = baseName ? `${baseName} (${variant.name})` : variant.name;
    const personality = personalityText(variant.personality, typeof base["personality"] === "string" ? base["personality"] : "");
    const reasoner =
      template && typeof template.attributes["reasoner"] === "string" && REASONERS.has(template.attributes["reasoner"])
        ? template.attributes["reasoner"]
        : "deterministic";
    const made = await store.beings.create({
      ...beingCreateSchema.parse({
        genesis: {
          ...base,
          name,
          type: typeof base["type"] === "string" ? base["type"] : "agent",
          personality,
          // NOTE: no goal: the variant's being is there to run the program, and its mind stays quiet meanwhile.
          goal: "",
          program: input.program,
          ...(template && { parent: template.soul }),
        },
        attributes: {
          reasoner,
          budget: VARIANT_MIND_BUDGET,
          program: input.program,
          fan_out: { task, variant: variant.name, input: input.input, personality: variant.personality },
        },
        energy_level: VARIANT_MIND_BUDGET,
        tags: ["swarm", FAN_OUT_TAG],
      }),
      branch: branch.id,
    });
    await caller.claim([made.soul]);
    variants.push({
      name: variant.name,
      personality: variant.personality,
      branch,
      being: { soul: made.soul, name, personality, goal: "", reasoner: reasoner as FanOutVariant["being"]["reasoner"], budget: VARIANT_MIND_BUDGET },
    });
  }
  return { task, input: input.input, program: input.program, budget: input.budget, variants };
}

/** The fan-out a variant's being belongs to, as genesis wrote it (`attributes.fan_out`). */
function fanOutOf(being: Being): { task: string; variant: string; input: string; personality: Record<string, unknown> } | null {
  const f = being.attributes["fan_out"];
  if (typeof f !== "object" || f === null || Array.isArray(f)) return null;
  const { task, variant, input, personality } = f as Record<string, unknown>;
  if (typeof task !== "string" || typeof variant !== "string" || typeof input !== "string") return null;
  return { task, variant, input, personality: typeof personality === "object" && personality !== null ? (personality as Record<string, unknown>) : {} };
}

/**
 * Records what a variant's run produced: its output as a being tagged `output` in its branch (with the input, the
 * personality, the task and the KPIs a shallow merge checks), unless the run produced none. The run's Tiki are in the
 * ledger already (the being's worker reports them, booked to the branch and the task); `tiki` and `steps` here are the
 * figures the comparison shows.
 */
export async function recordVariantOutput(store: MasterStore, record: FanOutRecord, caller: Pick<FanOutCaller, "claim">): Promise<FanOutRun> {
  const branch = await store.branches.get(record.branch);
  if (branch.id === MAIN_BRANCH || !branch.purpose.startsWith(PURPOSE)) throw new FanOutError(`Branch ${branch.name} was not forked by a fan-out.`);
  if (branch.status !== "open") throw new FanOutError(`Branch ${branch.name} is ${branch.status}; a fan-out records outputs only in open branches.`);
  const being = await store.beings.get(record.being, branch.id);
  const fanOut = fanOutOf(being);
  if (!fanOut || `${PURPOSE}${fanOut.task}` !== branch.purpose || !being.tags.includes(FAN_OUT_TAG))
    throw new FanOutError(`Being ${record.being} is not the fan-out being of branch ${branch.name}.`);
  const passed = record.ok && record.output !== null;
  const error = record.error ?? (record.output === null ? "The program reported nothing and set no `output`." : null);
  const outputSoul =
    record.output === null
      ? null
      : await writeOutput(store, branch, caller, {
          name: fanOut.variant,
          input: fanOut.input,
          output: record.output,
          personality: fanOut.personality as Parameters<typeof writeOutput>[3]["personality"],
          task: fanOut.task,
          being: being.soul,
          kpi: { passed, tiki: record.tiki, steps: record.steps },
        });
  return { branch, ok: passed, output: record.output, output_soul: outputSoul, tiki: record.tiki, steps: record.steps, error };
}
