import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { completeInputSchema } from "../../lib/reason/schemas";
import { costOf } from "../../lib/tiki";
import { spendScopeSchema } from "../../lib/tikiLedger";
import { estimateTokens } from "../../lib/tikiRouter";
import { charged } from "../tiki/charge";
import { listModels, whereToPutWeights } from "../llm/modelFiles";
import { chatCompletion, describeEndpoint, LlmEndpointError, NOT_CONFIGURED, probeEndpoint, type LlmEndpointErrorReason } from "../llm/openAiCompatible";
import { createTRPCRouter, publicProcedure } from "../trpc";

const CODE_OF: Record<LlmEndpointErrorReason, TRPCError["code"]> = {
  not_configured: "PRECONDITION_FAILED",
  unreachable: "SERVICE_UNAVAILABLE",
  timeout: "GATEWAY_TIMEOUT",
  rejected: "BAD_GATEWAY",
  http_error: "BAD_GATEWAY",
  bad_response: "BAD_GATEWAY",
  aborted: "CLIENT_CLOSED_REQUEST",
};

/** Reasoners the server can offer (M3.5): model folders for WebLLM, and the OpenAI-compatible endpoint behind it. */
export const reasoningRouter = createTRPCRouter({
  /** Which reasoners can run, and why or why not. `probe: true` also checks that the endpoint answers. */
  status: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(z.strictObject({ probe: z.boolean().default(false) }).optional())
    .query(async ({ ctx, input }) => {
      const { llm, modelsDir } = ctx.reasoning;
      const listing = modelsDir ? await listModels(modelsDir) : undefined;
      const ready = (listing?.models ?? []).filter((m) => m.has_config && m.libs.length > 0).map((m) => m.id);
      const probe = llm && input?.probe ? await probeEndpoint(llm) : undefined;
      const endpoint = llm ? describeEndpoint(llm.url) : null;
      const webllmWhy = !modelsDir
        ? "no models folder is configured"
        : ready.length > 0
          ? `weights on the server for ${ready.join(", ")}; the browser still needs a WebGPU adapter`
          : `no model folder with mlc-chat-config.json and a .wasm library in ${modelsDir}. ${whereToPutWeights(modelsDir)}`;
      const llmWhy = !llm
        ? NOT_CONFIGURED
        : probe && !probe.reachable
          ? `LUXOS_LLM_URL is ${endpoint}, which ${probe.detail}`
          : `LUXOS_LLM_URL is ${endpoint}${llm.model ? ` with model ${llm.model}` : ""}${probe ? ` (${probe.detail})` : ""}`;
      return {
        reasoners: [
          { kind: "deterministic" as const, ok: true, why: "needs no model: plans from goal templates, answers from the passages it is given" },
          { kind: "webllm" as const, ok: ready.length > 0, why: webllmWhy },
          { kind: "openai_compatible" as const, ok: llm !== undefined && probe?.reachable !== false, why: llmWhy },
        ],
        llm: { configured: llm !== undefined, endpoint, model: llm?.model ?? null, reachable: probe ? probe.reachable : null },
        models_dir: { path: modelsDir ?? null, exists: listing?.exists ?? false },
        models: ready,
      };
    }),

  /** The model folders in LUXOS_MODELS_DIR: id, size, whether WebLLM's config and libraries are there. */
  models: publicProcedure.meta({ access: { kind: "person" } }).query(async ({ ctx }) => {
    const { modelsDir } = ctx.reasoning;
    if (!modelsDir) return { dir: null, exists: false, models: [], hint: "no models folder is configured" };
    const listing = await listModels(modelsDir);
    return { ...listing, hint: listing.models.length > 0 ? null : whereToPutWeights(modelsDir) };
  }),

  /** One chat completion from the OpenAI-compatible endpoint, server-side so its key never reaches the browser. */
  // NOTE: "person": it spends the server's LLM key, so a signed-in person only.
  complete: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(completeInputSchema.extend({ spend: spendScopeSchema.default({ branch: "main" }) }))
    .mutation(async ({ ctx, input, signal }) => {
      const { spend, ...request } = input;
      const tokensIn = estimateTokens(request.messages.map((m) => m.content).join("\n"));
      const estimate = costOf({ kind: "llm", provider: "openai_compatible", tokensIn, tokensOut: request.max_tokens }).tiki;
      try {
        return await charged(
          ctx.store,
          spend,
          { kind: "reasoner", provider: "openai_compatible", estimate, name: `llm (openai_compatible, ~${tokensIn} in / up to ${request.max_tokens} out)` },
          () => chatCompletion(ctx.reasoning.llm, request, signal ? { signal } : {}),
          (out) => ({ tiki: out.tiki, detail: { model: out.model, prompt_tokens: out.usage.prompt_tokens, completion_tokens: out.usage.completion_tokens } }),
        );
      } catch (error) {
        if (error instanceof LlmEndpointError) throw new TRPCError({ code: CODE_OF[error.reason], message: error.message, cause: error });
        throw error;
      }
    }),
});
