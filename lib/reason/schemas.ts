import { z } from "zod";
import { DEFAULT_MAX_TOKENS } from "./constants";

/** The wire contract of the server's reasoning procedures, shared by the server and the page. */

/** More output than this per call is refused: a runaway request would hold the endpoint for minutes. */
export const MAX_COMPLETION_TOKENS = 4096;
/** A conversation longer than this is a sign the caller forgot to trim it. */
export const MAX_CHAT_MESSAGES = 64;
/** One message; longer texts belong in retrieval, not in a prompt. */
export const MAX_MESSAGE_CHARS = 32_000;
/** The OpenAI default; 0 is the most predictable. */
export const DEFAULT_TEMPERATURE = 0.7;

export const chatMessageSchema = z.strictObject({
  role: z.enum(["system", "user", "assistant"], { message: 'role is "system", "user" or "assistant"' }),
  content: z.string().max(MAX_MESSAGE_CHARS, `a message has at most ${MAX_MESSAGE_CHARS} characters`),
});

/** `reasoning.complete`'s input. */
export const completeInputSchema = z.strictObject({
  messages: z
    .array(chatMessageSchema)
    .min(1, "send at least one message")
    .max(MAX_CHAT_MESSAGES, `at most ${MAX_CHAT_MESSAGES} messages`)
    .refine((ms) => ms.some((m) => m.role === "user"), "send at least one user message"),
  max_tokens: z
    .number()
    .int("max_tokens is a whole number")
    .min(1, "max_tokens is at least 1")
    .max(MAX_COMPLETION_TOKENS, `max_tokens is at most ${MAX_COMPLETION_TOKENS}`)
    .default(DEFAULT_MAX_TOKENS),
  temperature: z.number().min(0, "temperature is between 0 and 2").max(2, "temperature is between 0 and 2").default(DEFAULT_TEMPERATURE),
});

export type CompleteInput = z.input<typeof completeInputSchema>;

/** `reasoning.complete`'s answer. */
export interface CompleteOutput {
  text: string;
  /** `length` when max_tokens cut it short. */
  finish_reason: "stop" | "length";
  /** The model that answered, as the endpoint named it. */
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; estimated: boolean };
  latency_ms: number;
  /** The call's cost in Tiki (`costOf` an openai_compatible llm step). */
  tiki: number;
}
