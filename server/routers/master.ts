import "../serverOnly";
import { CORE_BEINGS } from "../../lib/coreBeings";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { VERSION } from "../version";

/** What the master is and holds, for dashboards. */
export const masterRouter = createTRPCRouter({
  info: publicProcedure.meta({ access: { kind: "person" } }).query(async ({ ctx }) => ({
    store: ctx.store.kind,
    version: VERSION,
    counts: await ctx.store.stats(),
    core_beings: CORE_BEINGS.map(({ soul, name, type }) => ({ soul, name, type })),
  })),
});
