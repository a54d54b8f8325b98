import { MAX_TOPIC_CHARS } from "./constants";
import type { GoalKind, PlanContext, PlanStep } from "./Reasoner";

/**
 * The deterministic planner's table: which goals it recognizes and the steps each takes.
 * `{topic}` in a step's text is filled with the goal's subject.
 */
interface GoalTemplate {
  readonly kind: GoalKind;
  /** Tried in table order on the goal's text; the first template with a matching pattern wins. */
  readonly patterns: readonly RegExp[];
  readonly steps: readonly PlanStep[];
}

// NOTE: JavaScript's `\b` only knows ASCII letters; these boundaries also work for Polish and Russian words.
const START = "(?<![\\p{L}\\p{N}])";
const END = "(?![\\p{L}\\p{N}])";
/** A case-insensitive pattern for any of `words` as whole words (at the start of the goal when `anchored`). */
function anyWord(words: string, anchored = false): RegExp {
  return new RegExp(`${anchored ? "^" : START}(?:${words})${END}`, "iu");
}
/** A greeting opens the goal and no question follows it ("hi, what is X?" is a question). */
function greetingOnly(words: string): RegExp {
  return new RegExp(`^(?=[^?]*$)(?:${words})${END}`, "iu");
}

const GREETINGS =
  "hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening|day)|cześć|czesc|witaj|dzień dobry|привет|здравствуй\\p{L}*|hola|bonjour|hallo|salut";
const SUMMARY_VERBS = "summari[sz]e|summary(?: of)?|sum up|recap|tl;?dr(?: of)?|digest|condense|streść|podsumuj";
const LEARNING_VERBS = "learn|find out|research|study|read up|look into|investigate|discover|dowiedz się|naucz się|узнай|изучи";
const QUESTION_WORDS =
  "what|who|whom|whose|when|where|why|how|which|is|are|was|were|do|does|did|can|could|should|would|will|explain|tell me|answer|co|kto|gdzie|kiedy|dlaczego|jak|czy|что|кто|где|когда|почему|как";

export const GOAL_TEMPLATES: readonly GoalTemplate[] = [
  {
    kind: "greet",
    patterns: [greetingOnly(GREETINGS)],
    steps: [
      { action: "reply", text: "greet back by name and say what I can do" },
      { action: "remember", text: "note who greeted me and when" },
    ],
  },
  {
    kind: "summarize",
    patterns: [anyWord(SUMMARY_VERBS)],
    steps: [
      { action: "load", text: "gather the text to summarize: {topic}" },
      { action: "embed", text: "split it into sentences and embed each" },
      { action: "select", text: "keep the sentences closest to the whole (the most central ones)" },
      { action: "compose", text: "write them in their original order, citing where each came from" },
      { action: "reply", text: "send the summary" },
    ],
  },
  {
    kind: "learn_about",
    patterns: [anyWord(LEARNING_VERBS)],
    steps: [
      { action: "recall", text: "search my micro-world for what I already know about {topic}" },
      { action: "ask_master", text: 'ask the master: "tell me what you know about {topic}"' },
      { action: "load", text: "read the passages found, keeping their sources" },
      { action: "embed", text: "embed each new fact" },
      { action: "remember", text: "store the new facts about {topic} with their sources" },
      { action: "report", text: "share what was new with the master" },
    ],
  },
  {
    kind: "answer_question",
    patterns: [anyWord(QUESTION_WORDS, true), /\?\s*$/u],
    steps: [
      { action: "recall", text: "search my micro-world for passages about {topic}" },
      { action: "ask_master", text: "if fewer than three passages are relevant, ask the master about {topic}" },
      { action: "compose", text: "answer from the most relevant passages only, citing each source as [n]" },
      { action: "reply", text: "send the answer with its sources, or say plainly that nothing relevant was found" },
    ],
  },
];

/** The plan for a goal nothing in the table matches: look around and report what is unknown. */
export const EXPLORE_STEPS: readonly PlanStep[] = [
  { action: "observe", text: "look at recent messages and perceptions about {topic}" },
  { action: "recall", text: "search my micro-world for anything related to {topic}" },
  { action: "ask_master", text: "ask the master what it knows about {topic}" },
  { action: "report", text: "report what was found and what is still unknown, and ask for a clearer goal" },
];

/** Which template a goal falls under (`explore` when none matches). */
export function classifyGoal(goal: string): GoalKind {
  const text = goal.trim();
  return GOAL_TEMPLATES.find((t) => t.patterns.some((p) => p.test(text)))?.kind ?? "explore";
}

/** The subject follows the verb (and a preposition) in these kinds of goal. */
const TOPIC_AFTER: Partial<Record<GoalKind, RegExp>> = {
  learn_about: new RegExp(`${START}(?:${LEARNING_VERBS})${END}(?:\\s+(?:more\\s+)?(?:about|on|of|regarding|o|об|про)${END})?[:\\s]*(.*)$`, "isu"),
  summarize: new RegExp(`${START}(?:${SUMMARY_VERBS})${END}(?:\\s+(?:this|these|the following)${END})?[:\\s]*(.*)$`, "isu"),
};

/** The words after a goal's verb, as written (line breaks kept): `learn about X` → `X`, `summarize: …` → `…`; undefined for other kinds or when nothing follows. */
export function textAfterVerb(goal: string, kind: GoalKind = classifyGoal(goal)): string | undefined {
  const after = TOPIC_AFTER[kind]?.exec(goal)?.[1]?.trim();
  return after || undefined;
}

/** What a goal is about: the words after its verb, else the whole goal; one line, without end punctuation, at most MAX_TOPIC_CHARS. */
export function goalTopic(goal: string, kind: GoalKind = classifyGoal(goal)): string {
  const topic = (textAfterVerb(goal, kind) ?? goal)
    .replace(/\s+/gu, " ")
    .trim()
    .replace(/[?!.\s]+$/u, "");
  return topic.length > MAX_TOPIC_CHARS ? `${topic.slice(0, MAX_TOPIC_CHARS - 1)}…` : topic;
}

/** The steps of a kind with the topic filled in. */
export function templateSteps(kind: GoalKind, topic: string): PlanStep[] {
  const steps = GOAL_TEMPLATES.find((t) => t.kind === kind)?.steps ?? EXPLORE_STEPS;
  const quoted = topic ? `"${topic}"` : "it";
  return steps.map((s) => ({ action: s.action, text: s.text.replaceAll("{topic}", quoted) }));
}

/** The deterministic greeting, with the being's name when the context gives one. */
export function greeting(context: PlanContext | undefined): string {
  const who = context?.name?.trim() ? context.name.trim() : "a LuxOS being";
  return `Hello! I am ${who}. I can answer questions from what I know (with sources), learn about a topic, and summarize texts.`;
}
