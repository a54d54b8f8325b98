import { z } from "zod";
import { MAX_PLAN_STEPS } from "./constants";
import type { ChatMessage, Passage, PlanAction, PlanContext, PlanStep } from "./Reasoner";

/** Prompts for model reasoners and the readers of what models write back (untrusted text: parsed, never trusted). */

export const PLAN_ACTIONS = [
  "recall",
  "ask_master",
  "load",
  "embed",
  "select",
  "compose",
  "remember",
  "report",
  "observe",
  "reply",
] as const satisfies readonly PlanAction[];

/** The conversation that asks a model for a plan as JSON. */
export function planMessages(goal: string, context: PlanContext | undefined): ChatMessage[] {
  const who = context?.name?.trim() ? `${context.name.trim()}, a being in LuxOS` : "a being in LuxOS";
  const persona = context?.persona?.trim() ? `\nYour personality: ${context.persona.trim()}` : "";
  const facts = context?.facts?.length ? `\nWhat you know:\n${context.facts.map((f) => `- ${f}`).join("\n")}` : "";
  return [
    {
      role: "system",
      content:
        `You are the planner of ${who}.${persona}\n` +
        `Answer with JSON only, no prose and no code fence: {"steps":[{"action":"…","text":"…"}],"reply":"…"}.\n` +
        `Each action is one of: ${PLAN_ACTIONS.join(", ")}. ` +
        `recall searches your own memory, ask_master asks the Master Entity, remember stores a fact, report shares with the master, reply answers whoever set the goal.\n` +
        `Use at most ${MAX_PLAN_STEPS} steps. Include "reply" only when one short message settles the goal (a greeting).`,
    },
    { role: "user", content: `Goal: ${goal}${facts}` },
  ];
}

const planReplySchema = z.object({
  steps: z
    .array(z.object({ action: z.string(), text: z.string() }))
    .min(1)
    .transform((steps) =>
      steps
        .map((s) => ({
          action: s.action
            .trim()
            .toLowerCase()
            .replace(/[\s-]+/gu, "_"),
          text: s.text.trim(),
        }))
        .filter((s): s is PlanStep => (PLAN_ACTIONS as readonly string[]).includes(s.action) && s.text !== "")
        .slice(0, MAX_PLAN_STEPS),
    ),
  reply: z.string().optional(),
});

/**
 * Reads a plan from a model's text: the outermost `{…}` (code fences and chatter around it are ignored),
 * steps with unknown actions dropped. Undefined when no usable plan is there.
 */
export function parsePlanReply(text: string): { steps: PlanStep[]; reply?: string } | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = planReplySchema.safeParse(json);
  if (!parsed.success || parsed.data.steps.length === 0) return undefined;
  const reply = parsed.data.reply?.trim();
  return { steps: parsed.data.steps, ...(reply && { reply }) };
}

/** What a model writes when the passages do not answer the question. */
export const NOT_FOUND_MARK = "NOT FOUND";

/** The conversation that asks a model to answer from numbered passages, citing them. */
export function answerMessages(question: string, passages: readonly Passage[]): ChatMessage[] {
  const numbered = passages.map((p, i) => `[${i + 1}] (source: ${p.source})\n${p.text}`).join("\n\n");
  return [
    {
      role: "system",
      content:
        "Answer the question using only the numbered passages. Cite the passage of every claim by its number in square brackets, like [1] or [2][3]. " +
        `Keep it short. Do not add a list of sources. If the passages do not answer the question, reply exactly: ${NOT_FOUND_MARK}`,
    },
    { role: "user", content: `Passages:\n\n${numbered}\n\nQuestion: ${question}` },
  ];
}

/** `[3]`, `[1, 2]` and `[1][2]` markers. */
const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/gu;

/** Passage indices (0-based) cited in a text, in order of first citation; numbers outside 1…count are ignored. */
export function citedPassages(text: string, count: number): number[] {
  const seen: number[] = [];
  for (const match of text.matchAll(CITATION)) {
    for (const n of match[1]!.split(",").map((s) => Number(s.trim()))) {
      if (n >= 1 && n <= count && !seen.includes(n - 1)) seen.push(n - 1);
    }
  }
  return seen;
}

/** Rewrites `[k]` markers (passage numbers) to source numbers, dropping citations of passages that do not exist. */
export function renumberCitations(text: string, numberOf: ReadonlyMap<number, number>): string {
  return text
    .replace(CITATION, (_, list: string) => {
      const numbers = [...new Set(list.split(",").flatMap((s) => numberOf.get(Number(s.trim()) - 1) ?? []))];
      return numbers.map((n) => `[${n}]`).join("");
    })
    .replace(/[ \t]+([.,;:!?])/gu, "$1")
    .trim();
}
