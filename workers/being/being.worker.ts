/// <reference lib="webworker" />
/**
 * A being's worker: one per being, started by the swarm host with
 * `new Worker(new URL("../../workers/being/being.worker.ts", import.meta.url), { type: "module" })`,
 * exposing `BeingWorkerApi` with comlink.
 */
import { expose, transfer } from "comlink";
import { hashEmbed } from "../../lib/embed";
import type { LlmWorkerApi } from "../../lib/reason";
import type { BeingStatus, BeingWorkerApi, BeingWorkerEvent } from "./api";
import { BeingRuntime } from "./BeingRuntime";
import { llmOverPort } from "./llmPort";
import { LuxRunner } from "./LuxRunner";
import { createSnippetRunner } from "./pythonSnippet";
import { loadSqlite } from "./microWorld";
import { MOMENTS_CAP } from "./constants";
import { checkImage, readStoredImage, writeImage } from "./microWorldTransfer";
import { BEING_MASTER_PATHS, kernelOverPort, type BeingMasterPath, type KernelClient } from "./kernelPort";

let runtime: BeingRuntime | null = null;
let listener: ((event: BeingWorkerEvent) => void) | null = null;
let llm: LlmWorkerApi | null = null;
let lux: LuxRunner | null = null;
/** The tab's kernel, reached through the port the swarm host handed over before init. */
let kernel: KernelClient | null = null;

function ready(): BeingRuntime {
  if (!runtime) throw new Error("This being's worker has not been initialised: call init(record) first.");
  return runtime;
}

function status(): BeingStatus {
  return ready().status();
}

const api: BeingWorkerApi = {
  warm: () => loadSqlite().then(() => undefined),
  connectLlm(port) {
    llm = llmOverPort(port);
    return Promise.resolve();
  },
  connectKernel(port) {
    kernel = kernelOverPort(port);
    return Promise.resolve();
  },
  async init(record, mode) {
    if (runtime) return runtime.status();
    runtime = await BeingRuntime.create(record, mode, { llm, origin: self.location.origin });
    const runPython = createSnippetRunner({
      soul: record.soul,
      name: record.name,
      run: (being, options, signal) => theKernel().runPython(being, options, signal),
      capabilities: ["execution", "summon"],
    });
    // NOTE: Lux's master calls (LOAD url/query, ASK, SUMMON, CLASSIFY) wait in the kernel's I/O queue with every other being's.
    const master = {
      read: (path: string, input: unknown, signal?: AbortSignal, traceparent?: string) =>
        theKernel().master("read", masterPath(path), input, signal, traceparent),
      mutation: (path: string, input: unknown, signal?: AbortSignal, traceparent?: string) =>
        theKernel().master("mutation", masterPath(path), input, signal, traceparent),
    };
    lux = new LuxRunner(record.soul, record.name, () => ready().microWorld, runPython, master, record.branch);
    if (listener) runtime.onEvent(listener);
    return runtime.status();
  },
  start: () => Promise.resolve(ready().start()).then(status),
  pause: () => Promise.resolve(ready().pause()).then(status),
  resume: () => Promise.resolve(ready().resume()).then(status),
  stop: () => Promise.resolve(ready().stop()).then(status),
  status: () => Promise.resolve(status()),
  heartbeat: () => Promise.resolve(Date.now()),
  send: (input) => Promise.resolve(ready().input(input)),
  goal: (id) => Promise.resolve().then(() => ready().goal(String(id))),
  learn: async (texts) => ({ ids: await ready().learn(texts) }),
  syncNow: () => Promise.resolve(ready().syncNow()),
  query: (sql) => Promise.resolve().then(() => ready().microWorld.query(sql)),
  tables: () => Promise.resolve().then(() => ready().microWorld.tables()),
  recentEvents: (limit) => Promise.resolve().then(() => ready().microWorld.recentEvents(Math.max(1, Math.min(200, limit)))),
  embed: (texts) => Promise.resolve().then(() => texts.map((text) => hashEmbed(text))),
  onEvent(callback) {
    listener = callback;
    runtime?.onEvent(callback);
    return Promise.resolve();
  },
  runLux: (request, onSteps, callBeing) => Promise.resolve().then(() => luxRunner().run(request, onSteps, callBeing)),
  stopLux: () => Promise.resolve(lux?.stop() ?? false),
  answerCall: (from, input) => Promise.resolve().then(() => luxRunner().answer(from, input)),
  async exportMicroWorld(soul) {
    const world = runtime?.microWorld;
    const image = world && world.soul === soul && world.isOpen ? world.exportImage() : await readStoredImage(soul);
    return image && transfer(image, [image.buffer]);
  },
  microWorldHistory: (limit) => Promise.resolve().then(() => ready().microWorld.journalHistory(Math.max(1, Math.min(MOMENTS_CAP, limit)))),
  microWorldAt: (at) => Promise.resolve().then(() => ready().microWorld.momentAt(at)),
  queryMicroWorldAt: (at, sql) => Promise.resolve().then(() => ready().microWorld.pastAt(at).query(sql)),
  restoreMicroWorld: (at) =>
    Promise.resolve().then(() => {
      // NOTE: a Lux run holds this micro-world's rows in its variables; rewinding under it would mix two moments.
      if (lux?.running) throw new Error("A Lux program is running in this being: stop it, then restore.");
      return ready().microWorld.restoreTo(at);
    }),
  checkMicroWorld: (image) => checkImage(image),
  importMicroWorld: (soul, image) => writeImage(soul, image),
  callFunction: (request) => Promise.resolve().then(() => theKernel().callFunction(request)),
};

function theKernel(): KernelClient {
  if (!kernel) throw new Error("This being has no kernel to run Python or reach the master through: start it from the Swarm page of a LuxOS tab.");
  return kernel;
}

function masterPath(path: string): BeingMasterPath {
  if (!(BEING_MASTER_PATHS as readonly string[]).includes(path)) throw new Error(`A being's Lux program cannot call ${path} at the master.`);
  return path as BeingMasterPath;
}

function luxRunner(): LuxRunner {
  ready();
  return lux!;
}

/** The benchmark's extra: inserts in one transaction, answers milliseconds. Not part of the page's API. */
const bench = { benchInsert: (count: number) => Promise.resolve().then(() => ready().microWorld.benchInsert(count)) };

expose({ ...api, ...bench });
