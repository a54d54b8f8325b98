import { ANSWER_MAX_TOKENS, DEFAULT_MAX_TOKENS, PLAN_MAX_TOKENS } from "./constants";
import { classifyGoal, goalTopic, templateSteps } from "./goalTemplates";
import { answerMessages, citedPassages, NOT_FOUND_MARK, parsePlanReply, planMessages, renumberCitations } from "./prompts";
import type { Availability, ChatMessage, Completion, Plan, Reasoner, ReasonerKind } from "./Reasoner";
import { ReasonerError, throwIfAborted } from "./ReasonerError";
import { formatSources, nothingFound, numberSources, selectPassages } from "./retrieval";
import { createUsage, estimatedTokens } from "./usage";

/** One model call: what a model adapter (WebLLM worker, OpenAI-compatible endpoint) must supply. */
export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly signal?: AbortSignal;
}

export interface ChatReply {
  readonly text: string;
  readonly finishReason: "stop" | "length";
  /** Tokens as the model counted them; estimated from the texts when absent. */
  readonly tokensIn?: number;
  readonly tokensOut?: number;
}

export interface ChatReasonerOptions {
  readonly id: string;
  readonly kind: Exclude<ReasonerKind, "deterministic">;
  readonly available: () => Promise<Availability>;
  /** Runs the model; rejects with a ReasonerError (`aborted`, `timeout`, `unavailable`, `failed`). */
  readonly chat: (request: ChatRequest) => Promise<ChatReply>;
  /** Milliseconds for latency accounting; `performance.now` unless given. */
  readonly now?: () => number;
}

/**
 * The reasoner core for language models: plan, answer and complete written once over a single
 * `chat` primitive, so each model adapter stays a few lines. A plan the model garbles falls back to
 * the goal template (and says so); answers cite only passages that exist.
 */
export function createChatReasoner(options: ChatReasonerOptions): Reasoner {
  const { id, kind, chat } = options;
  const now = options.now ?? (() => performance.now());

  async function call(messages: readonly ChatMessage[], maxTokens: number, temperature: number, signal: AbortSignal | undefined) {
    throwIfAborted(signal, "the model call");
    const started = now();
    const reply = await chat({ messages, maxTokens, temperature, ...(signal && { signal }) });
    const tokens =
      reply.tokensIn !== undefined && reply.tokensOut !== undefined
        ? { tokensIn: reply.tokensIn, tokensOut: reply.tokensOut }
        : estimatedTokens(
            messages.map((m) => m.content),
            reply.text,
          );
    return { reply, usage: createUsage(kind, tokens, now() - started) };
  }

  return {
    id,
    kind,
    available: () =>
      options.available().catch((error: unknown) => ({ ok: false, why: `could not tell: ${error instanceof Error ? error.message : String(error)}` })),

    async plan(goal, context, opts) {
      const { reply, usage } = await call(planMessages(goal, context), PLAN_MAX_TOKENS, 0, opts?.signal);
      const kindOfGoal = classifyGoal(goal);
      const topic = goalTopic(goal, kindOfGoal);
      const parsed = parsePlanReply(reply.text);
      const plan: Plan = parsed
        ? { goal, kind: kindOfGoal, topic, steps: parsed.steps, source: "model", usage, ...(parsed.reply && { reply: parsed.reply }) }
        : {
            goal,
            kind: kindOfGoal,
            topic,
            steps: templateSteps(kindOfGoal, topic),
            source: "template",
            note: `${id} did not write a readable plan, so the "${kindOfGoal}" template is used`,
            usage,
          };
      return plan;
    },

    async answer(question, retrieved, opts) {
      const passages = selectPassages(retrieved);
      if (passages.length === 0) {
        throwIfAborted(opts?.signal, "answering");
        return { text: nothingFound(question, 0), sources: [], found: false, usage: createUsage(kind, { tokensIn: 0, tokensOut: 0 }, 0) };
      }
      const { reply, usage } = await call(answerMessages(question, passages), ANSWER_MAX_TOKENS, 0, opts?.signal);
      const body = reply.text.trim();
      if (body === "" || body.toUpperCase().startsWith(NOT_FOUND_MARK))
        return { text: nothingFound(question, passages.length), sources: [], found: false, usage };
      const cited = citedPassages(body, passages.length);
      // NOTE: a model that cites nothing still answered from these passages only; list them all rather than none.
      const { citations, numberOf } = numberSources(passages, cited.length > 0 ? cited : passages.map((_, i) => i));
      const text = `${cited.length > 0 ? renumberCitations(body, numberOf) : body}\n\n${formatSources(citations)}`;
      return { text, sources: citations, found: true, usage };
    },

    async complete(messages, opts) {
      const maxTokens = opts?.maxTokens ?? DEFAULT_MAX_TOKENS;
      if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ReasonerError("invalid", `maxTokens must be a whole number ≥ 1, got ${maxTokens}`);
      if (!messages.some((m) => m.role === "user")) throw new ReasonerError("invalid", "a completion needs at least one user message");
      const { reply, usage } = await call(messages, maxTokens, opts?.temperature ?? 0.7, opts?.signal);
      const completion: Completion = { text: reply.text, finishReason: reply.finishReason, usage };
      return completion;
    },
  };
}
