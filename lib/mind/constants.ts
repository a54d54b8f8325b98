/** The tuning of a being's mind (M3.4). Each number has its reason; a being may override the rates and rules. */

/** Reflexes react within a frame or three: 20 Hz is fast enough for a UI to feel alive and cheap enough for dozens of beings per tab. */
export const REFLEX_HZ = 20;
/** Situation assessment folds perceptions into the world model: twice a second keeps it fresh without re-checking on every input. */
export const SITUATION_HZ = 2;
/** Supervision may start a plan (a reasoner call): every 5 s unless an interrupt wakes it sooner. */
export const SUPERVISION_PERIOD_MS = 5_000;

/** The per-layer periods in milliseconds that follow from the rates above. */
export const DEFAULT_PERIODS = {
  reflex: 1000 / REFLEX_HZ,
  situation: 1000 / SITUATION_HZ,
  supervision: SUPERVISION_PERIOD_MS,
} as const;

/** A being may not flood its room or its reasoners: outward actions (messages, acknowledgements, operations) per rolling second. */
export const MAX_ACTIONS_PER_SECOND = 10;
/** The reflex handles at most this many inputs per tick; the rest wait a tick, so a flood cannot stall the worker. */
export const MAX_INPUTS_PER_REFLEX_TICK = 100;
/** An inbox longer than this drops its oldest inputs (and counts them): a paused being must not grow without bound. */
export const MAX_INBOX = 1_000;

/** WebLLM on a modest GPU needs ~10–20 s for a short plan; past 30 s the answer is not worth waiting for. */
export const PLAN_TIMEOUT_MS = 30_000;
/** Explaining a violated expectation is a plan of its own. */
export const EXPLORE_TIMEOUT_MS = 30_000;
/** A goal whose plan failed this many times is abandoned (and says so) rather than retried forever. */
export const MAX_GOAL_ATTEMPTS = 3;
/** Answering someone who spoke to the being comes before its own goals (override order: safety > swarm > mission). */
export const MESSAGE_GOAL_PRIORITY = 100;
/** Numbers within this absolute distance of the expectation count as expected (float noise, sensor jitter). */
export const NUMERIC_TOLERANCE = 1e-6;
/** How much of a value a rationale quotes; events stay small. */
export const RATIONALE_QUOTE_CHARS = 120;
