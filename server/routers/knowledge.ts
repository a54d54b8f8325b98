import "../serverOnly";
import { ASK_COMPOSE_TIMEOUT_MS, ANSWER_HITS } from "../../lib/knowledge/constants";
import {
  knowledgeAskSchema,
  knowledgePullSchema,
  knowledgePushSchema,
  type KnowledgeAsk,
  type KnowledgeAskOutput,
  type KnowledgeHit,
} from "../../lib/knowledge/contract";
import { createDeterministicReasoner, type Passage } from "../../lib/reason";
import type { AccessCheck } from "../auth/accessCheck";
import { createMasterReasoner } from "../llm/masterReasoner";
import { costOf, TIKI_COSTS } from "../../lib/tiki";
import { estimateTokens } from "../../lib/tikiRouter";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";

/** Where a hit came from, in words the answer's source list shows. */
function passageOf(hit: KnowledgeHit): Passage {
  const names = hit.sources.map((s) => s.name ?? s.soul);
  const taught = names.length > 0 ? `taught by ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}` : "source unknown";
  return { text: hit.text, source: `fact ${hit.fact} (${taught}; corroborated ${hit.corroboration}×)`, score: hit.similarity };
}

/** The items at least one of whose teachers the caller may read; the master's own knowledge is shared that way. */
async function readableOnly<T>(access: AccessCheck, items: readonly T[], teachers: (item: T) => readonly string[]): Promise<T[]> {
  const readable = await access.readable([...new Set(items.flatMap(teachers))]);
  return items.filter((item) => teachers(item).some((soul) => readable.has(soul)));
}

/** What the master knows (M1, M5): beings teach it facts and ask it questions. */
export const knowledgeRouter = createTRPCRouter({
  /** Stores facts exactly once per id; a near-duplicate corroborates the fact it repeats. */
  // NOTE: "person", then each fact's source: a person teaches only through beings they may run.
  push: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(knowledgePushSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.access.requireBeings([...new Set(input.facts.map((f) => f.source))], "run");
      return ctx.store.knowledge.push(input.facts);
    }),

  /** The facts nearest a question with their provenance, and a short answer the master's reasoner composed from them. */
  // NOTE: "person", and only facts the caller may read: taught by a being they may read (a room's facts: its members).
  ask: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(knowledgeAskSchema)
    .query(async ({ ctx, input, signal }): Promise<KnowledgeAskOutput> => {
      const out = await ask(ctx, input, signal);
      // The search and the composed answer, charged to the branch asked in (M7): a master call, the question's embedding, the reasoner's tokens.
      const composed = out.answer
        ? costOf({
            kind: "llm",
            provider: out.answered_by.startsWith("openai") ? "openai_compatible" : "deterministic",
            tokensIn: estimateTokens(out.hits.map((h) => h.text).join(" ")),
            tokensOut: estimateTokens(out.answer),
          }).tiki
        : 0;
      const tiki = TIKI_COSTS.master_call + costOf({ kind: "embed", chars: input.text?.length ?? 0 }).tiki + composed;
      await ctx.store.tiki.record([
        { branch: input.branch, kind: "knowledge", provider: out.answered_by || null, tiki, detail: { hits: out.hits.length, took_ms: out.took_ms } },
      ]);
      return out;
    }),

  /** Facts learned or changed since a cursor, so a micro-world learns what the master learned elsewhere. */
  pull: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(knowledgePullSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.store.knowledge.pull(input);
      return { ...page, facts: await readableOnly(ctx.access, page.facts, (f) => f.sources) };
    }),
});

async function ask(ctx: Context & { access: AccessCheck }, input: KnowledgeAsk, signal: AbortSignal | undefined): Promise<KnowledgeAskOutput> {
  const started = performance.now();
  const { compose, ...search } = input;
  const hits = await readableOnly(ctx.access, await ctx.store.knowledge.search(search), (h) => h.sources.map((s) => s.soul));
  const took = () => Math.round((performance.now() - started) * 100) / 100;
  if (!compose || hits.length === 0) return { answer: "", answered_by: compose ? "nobody: no fact matched" : "", hits, took_ms: took() };
  const question = input.text ?? "the question's vector";
  const passages = hits.slice(0, ANSWER_HITS).map(passageOf);
  const reasoner = createMasterReasoner(ctx.reasoning);
  const timeout = AbortSignal.timeout(ASK_COMPOSE_TIMEOUT_MS);
  try {
    const answer = await reasoner.answer(question, passages, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    return { answer: answer.text, answered_by: reasoner.id, hits, took_ms: took() };
  } catch (error) {
    if (signal?.aborted) throw error;
    const fallback = createDeterministicReasoner();
    const answer = await fallback.answer(question, passages);
    const why = error instanceof Error ? error.message : String(error);
    return {
      answer: answer.text,
      answered_by: fallback.id,
      note: `${reasoner.id} could not compose the answer (${why}); the deterministic reasoner did.`,
      hits,
      took_ms: took(),
    };
  }
}
