import "./serverOnly";
import { authRouter } from "./routers/auth";
import { beingsRouter } from "./routers/beings";
import { branchesRouter } from "./routers/branches";
import { luxRouter } from "./routers/lux";
import { eventsRouter } from "./routers/events";
import { knowledgeRouter } from "./routers/knowledge";
import { genesisRouter } from "./routers/genesis";
import { masterRouter } from "./routers/master";
import { reasoningRouter } from "./routers/reasoning";
import { relationshipsRouter } from "./routers/relationships";
import { roomsRouter } from "./routers/rooms";
import { timelineRouter } from "./routers/timeline";
import { tikiRouter } from "./routers/tiki";
import { createCallerFactory, createTRPCRouter } from "./trpc";

/** The whole tRPC API, one router per domain. */
export const appRouter = createTRPCRouter({
  beings: beingsRouter,
  relationships: relationshipsRouter,
  master: masterRouter,
  reasoning: reasoningRouter,
  rooms: roomsRouter,
  lux: luxRouter,
  events: eventsRouter,
  knowledge: knowledgeRouter,
  genesis: genesisRouter,
  auth: authRouter,
  timeline: timelineRouter,
  branches: branchesRouter,
  tiki: tikiRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (tests, server code). */
export const createCaller = createCallerFactory(appRouter);
