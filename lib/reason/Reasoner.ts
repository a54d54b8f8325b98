import type { LlmProvider } from "../tiki";

/**
 * The one shape every reasoner has (M3.5): the deterministic reasoner that needs no model,
 * WebLLM in the tab's LLM worker, and an OpenAI-compatible endpoint behind the server.
 * A being holds one and never needs to know which.
 */
export interface Reasoner {
  /** Names the reasoner and, for a model, the model: `deterministic-v1`, `webllm:Qwen2.5-0.5B-Instruct-q4f32_1-MLC`. */
  readonly id: string;
  readonly kind: ReasonerKind;
  /** Whether it can run here and now, and why (or why not), in words a person can act on. Never rejects. */
  available(): Promise<Availability>;
  /** A list of steps for a goal. */
  plan(goal: string, context?: PlanContext, options?: CallOptions): Promise<Plan>;
  /** An answer to a question from retrieved passages only, citing them as [1], [2] with a sources list. */
  answer(question: string, retrieved: readonly Passage[], options?: CallOptions): Promise<Answer>;
  /** Free text after a conversation. */
  complete(messages: readonly ChatMessage[], options?: CompleteOptions): Promise<Completion>;
}

/** Who answers; the same names as Tiki's providers, so a usage maps straight onto a cost. */
export type ReasonerKind = LlmProvider;

export interface Availability {
  readonly ok: boolean;
  /** Why it runs (`needs no model`) or what is missing (`no WebGPU adapter`). */
  readonly why: string;
}

export interface CallOptions {
  /** Aborting rejects the call with a ReasonerError of reason `aborted`. */
  readonly signal?: AbortSignal;
}

export interface CompleteOptions extends CallOptions {
  /** At most this many tokens of output. */
  readonly maxTokens?: number;
  /** 0 is the most predictable; ignored by the deterministic reasoner. */
  readonly temperature?: number;
}

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** A retrieved piece of text: what it says, where it came from (a soul, a URL, a file), how relevant the retriever thought it was. */
export interface Passage {
  readonly text: string;
  readonly source: string;
  readonly score: number;
}

/** What the planner knows besides the goal. */
export interface PlanContext {
  /** The being's name, used in greetings. */
  readonly name?: string;
  /** Its personality or system prompt. */
  readonly persona?: string;
  /** Facts it holds that may matter (short sentences). */
  readonly facts?: readonly string[];
}

/** The kinds of goal the planner knows templates for; anything else is explored. */
export type GoalKind = "answer_question" | "learn_about" | "summarize" | "greet" | "explore";

/** What a step does; the runtime maps each onto its tools (Lux verbs, master calls). */
export type PlanAction = "recall" | "ask_master" | "load" | "embed" | "select" | "compose" | "remember" | "report" | "observe" | "reply";

export interface PlanStep {
  readonly action: PlanAction;
  readonly text: string;
}

export interface Plan {
  readonly goal: string;
  readonly kind: GoalKind;
  /** What the goal is about, taken from its words (`quantum computing` in `learn about quantum computing`). */
  readonly topic: string;
  readonly steps: readonly PlanStep[];
  /** Something to say right away, when the goal is one a reply settles (a greeting). */
  readonly reply?: string;
  /** `template` from the goal table, `model` written by a language model. */
  readonly source: "template" | "model";
  /** Why the plan is not what was asked for (a model's plan that could not be read). */
  readonly note?: string;
  readonly usage: Usage;
}

/** One numbered source of an answer. */
export interface Citation {
  /** The number the text cites it by: `[n]`. */
  readonly n: number;
  readonly source: string;
  /** The retriever's best score among the cited passages of this source. */
  readonly score: number;
}

export interface Answer {
  /** The answer with its `[n]` citations, then a `Sources:` list; or a plain statement that nothing relevant was found. */
  readonly text: string;
  readonly sources: readonly Citation[];
  /** False when no passage was relevant: the text says so and cites nothing. */
  readonly found: boolean;
  readonly usage: Usage;
}

export interface Completion {
  readonly text: string;
  /** `length` when `maxTokens` cut it short. */
  readonly finishReason: "stop" | "length";
  readonly usage: Usage;
}

/**
 * What a call cost: tokens both ways, wall time, and the same in Tiki (`costOf` an `llm` step).
 * The mind records `tiki` from an operation's result.
 */
export interface Usage {
  readonly provider: ReasonerKind;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** True when the tokens were counted as characters / 4 because the model did not say. */
  readonly estimated: boolean;
  readonly latencyMs: number;
  readonly tiki: number;
}
