import { CHARS_PER_TOKEN, DEFAULT_MAX_TOKENS, DETERMINISTIC_REASONER_ID } from "./constants";
import { classifyGoal, goalTopic, greeting, templateSteps, textAfterVerb } from "./goalTemplates";
import type { Answer, ChatMessage, Completion, Plan, PlanContext, Reasoner } from "./Reasoner";
import { ReasonerError, throwIfAborted } from "./ReasonerError";
import { composeAnswer, rankSentences, summarize } from "./retrieval";
import { createUsage, estimatedTokens } from "./usage";

export interface DeterministicReasonerOptions {
  /** Milliseconds for latency accounting; `performance.now` unless given (tests pin it so whole results compare equal). */
  now?: () => number;
}

/**
 * The reasoner that needs no model (M3.5), so every being can think everywhere and every test can
 * check what it says: plans come from a table of goal templates, answers are the passages' most
 * relevant sentences with their sources, free text is extracted from the conversation. Same input,
 * same output.
 *
 * @example
 * const r = createDeterministicReasoner();
 * (await r.answer("Where does the master keep knowledge?", [{ text: "The master stores knowledge in Postgres.", source: "soul:42", score: 0.9 }])).text
 * // "The master stores knowledge in Postgres. [1]\n\nSources:\n[1] soul:42"
 */
export function createDeterministicReasoner(options: DeterministicReasonerOptions = {}): Reasoner {
  const now = options.now ?? (() => performance.now());
  const usage = (sent: readonly string[], received: string, started: number) => createUsage("deterministic", estimatedTokens(sent, received), now() - started);

  return {
    id: DETERMINISTIC_REASONER_ID,
    kind: "deterministic",
    available: () => Promise.resolve({ ok: true, why: "needs no model: plans from goal templates, answers from the passages it is given" }),

    plan(goal, context, call) {
      return run(() => {
        throwIfAborted(call?.signal, "planning");
        const started = now();
        const kind = classifyGoal(goal);
        const topic = goalTopic(goal, kind);
        const reply = kind === "greet" ? greeting(context) : undefined;
        const steps = templateSteps(kind, topic);
        const out = JSON.stringify({ steps, reply });
        const plan: Plan = { goal, kind, topic, steps, source: "template", usage: usage([goal, contextText(context)], out, started), ...(reply && { reply }) };
        return plan;
      });
    },

    answer(question, retrieved, call) {
      return run(() => {
        throwIfAborted(call?.signal, "answering");
        const started = now();
        const composed = composeAnswer(question, retrieved);
        const answer: Answer = { ...composed, usage: usage([question, ...retrieved.map((p) => p.text)], composed.text, started) };
        return answer;
      });
    },

    complete(messages, call) {
      return run(() => {
        throwIfAborted(call?.signal, "completing");
        const started = now();
        const maxTokens = call?.maxTokens ?? DEFAULT_MAX_TOKENS;
        if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ReasonerError("invalid", `maxTokens must be a whole number ≥ 1, got ${maxTokens}`);
        const full = freeText(messages);
        const limit = maxTokens * CHARS_PER_TOKEN;
        const text = full.length > limit ? cut(full, limit) : full;
        const completion: Completion = {
          text,
          finishReason: text === full ? "stop" : "length",
          usage: usage(
            messages.map((m) => m.content),
            text,
            started,
          ),
        };
        return completion;
      });
    },
  };
}

/** Runs synchronous work as a promise, so a throw becomes a rejection. */
function run<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function contextText(context: PlanContext | undefined): string {
  return [context?.name ?? "", context?.persona ?? "", ...(context?.facts ?? [])].join("\n");
}

/** Cuts at the last space before `limit` characters and marks the cut. */
function cut(text: string, limit: number): string {
  const head = text.slice(0, Math.max(1, limit - 1));
  const space = head.lastIndexOf(" ");
  return `${space > limit / 2 ? head.slice(0, space) : head}…`;
}

const NO_MODEL =
  "I am the deterministic reasoner: I have no language model to write free text. Put WebLLM weights in the models folder or set LUXOS_LLM_URL for free-form answers.";

/** Free text without a model: a greeting, an extractive summary, or the conversation's sentences that answer the last user message. */
function freeText(messages: readonly ChatMessage[]): string {
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  if (lastUser < 0) throw new ReasonerError("invalid", "a completion needs at least one user message");
  const prompt = messages[lastUser]!.content;
  const earlier = messages.filter((_, i) => i !== lastUser).map((m, i) => ({ text: m.content, source: `message ${i + 1}`, score: 0 }));
  const kind = classifyGoal(prompt);
  if (kind === "greet") return greeting(undefined);
  if (kind === "summarize") {
    const text = textAfterVerb(prompt, "summarize") ?? earlier.map((p) => p.text).join("\n");
    return text.trim() ? summarize(text) : "There is nothing to summarize: send the text after the request.";
  }
  const found = rankSentences(prompt, earlier).slice(0, 3);
  if (found.length === 0) return `${NO_MODEL} Nothing earlier in this conversation answers that.`;
  return found.map((s) => s.text).join(" ");
}
