import "../serverOnly";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { fetchUrl, FetchUrlError, type FetchErrorReason } from "../lux/fetchUrl";
import { costOf } from "../../lib/tiki";
import { spendScopeSchema } from "../../lib/tikiLedger";
import { charged } from "../tiki/charge";
import { createTRPCRouter, publicProcedure } from "../trpc";

const CODE_OF: Record<FetchErrorReason, TRPCError["code"]> = {
  bad_url: "BAD_REQUEST",
  forbidden_address: "FORBIDDEN",
  unreachable: "BAD_GATEWAY",
  timeout: "GATEWAY_TIMEOUT",
  too_large: "PAYLOAD_TOO_LARGE",
  too_many_redirects: "BAD_GATEWAY",
  http_error: "BAD_GATEWAY",
};

/** What the master does for Lux programs running in beings. */
export const luxRouter = createTRPCRouter({
  /** `LOAD url`: fetches a page for a being (http/https, size and time limits, no private addresses unless allowed). */
  fetch: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(
      z.strictObject({
        url: z.string().trim().min(1, "give a URL").max(4096, "a URL is at most 4096 characters"),
        spend: spendScopeSchema.default({ branch: "main" }),
      }),
    )
    .mutation(async ({ ctx, input, signal }) => {
      try {
        const page = await charged(
          ctx.store,
          input.spend,
          { kind: "fetch", estimate: costOf({ kind: "fetch", bytes: 0 }).tiki, name: `fetch ${input.url}` },
          () => fetchUrl(input.url, ctx.luxFetch, signal),
          (p) => ({ tiki: costOf({ kind: "fetch", bytes: p.bytes }).tiki, detail: { url: p.url, bytes: p.bytes, status: p.status } }),
        );
        return { url: page.url, status: page.status, content_type: page.contentType, text: page.text, bytes: page.bytes };
      } catch (error) {
        if (error instanceof FetchUrlError) throw new TRPCError({ code: CODE_OF[error.reason], message: error.message, cause: error });
        throw error;
      }
    }),
});
