/**
 * The being's Lux host (workers/being/luxHost.ts) against a real master on PGlite, through the same
 * procedures the worker calls over HTTP (createCaller), with a stand-in micro-world in memory.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashEmbed } from "../../lib/embed";
import { soulSchema } from "../../lib/ids";
import type { EventEnvelope } from "../../lib/events";
import { compile, runLux } from "../../lib/lux";
import type { LuxDocument } from "../../lib/lux/values";
import { createBeingLuxHost, type LuxWorld } from "../../workers/being/luxHost";
import { MasterCallError } from "../../workers/being/masterFetch";
import { MicroWorld, type LearnItem } from "../../workers/being/microWorld";
import type { MasterStore } from "../db/store";
import { testBackends } from "../db/testing";
import { createCaller } from "../root";
import { createContext } from "../trpc";

type Procedure = (input: unknown) => Promise<unknown>;

/** The master as the worker sees it: procedures by path, failures as MasterCallError with the tRPC code. */
function masterOver(store: MasterStore) {
  const caller = createCaller(createContext(store, { luxFetch: { allowPrivate: true } })) as unknown as Record<string, Record<string, Procedure> | undefined>;
  const call = async (path: string, input: unknown): Promise<unknown> => {
    const [router, name] = path.split(".");
    const fn = caller[router!]?.[name!];
    if (!fn) throw new MasterCallError(`No procedure found on path "${path}"`, "NOT_FOUND");
    try {
      return await fn(input);
    } catch (error) {
      if (error instanceof TRPCError) throw new MasterCallError(error.message, error.code);
      throw error;
    }
  };
  return { mutation: call, read: call };
}

/** A micro-world in memory with the same behaviour the host relies on. */
function memoryWorld(tables: Record<string, Record<string, string | number | null>[]> = {}) {
  const facts: { text: string; embedding: Float32Array; source: string; confidence: number; learnedAt: number }[] = [];
  const memories: { kind: string; text: string; data: unknown; at: number }[] = [];
  const outbox: EventEnvelope[] = [];
  const batches: LearnItem[][] = [];
  const learnOne = (text: string, source: string, confidence: number, embedding?: Float32Array) => {
    facts.push({ text, embedding: embedding ?? hashEmbed(text), source, confidence, learnedAt: Date.now() });
    const id = `fact-${facts.length}`;
    outbox.push({ id, type: "knowledge.learned", data: { text, confidence } } as unknown as EventEnvelope);
    return id;
  };
  const world: LuxWorld = {
    tableRows(table, limit) {
      const rows = tables[table];
      if (!rows) throw new Error(`No table named ${table} in this being's micro-world`);
      return { rows: rows.slice(0, limit), truncated: rows.length > limit };
    },
    factVectors: (limit) => facts.slice(-limit).reverse(),
    memoriesOf: (kind, limit) =>
      memories
        .filter((m) => m.kind === kind)
        .slice(-limit)
        .reverse(),
    remember(kind, text, data) {
      memories.push({ kind, text, data: data === undefined ? null : JSON.parse(JSON.stringify(data)), at: Date.now() });
    },
    learn: (text, source, confidence) => learnOne(text, source, confidence),
    learnMany(items) {
      batches.push([...items]);
      return items.map((i) => learnOne(i.text.trim(), i.source, i.confidence, i.embedding));
    },
    write: <T>(fn: () => T): T => fn(),
    appendOutbox(events) {
      outbox.push(...events);
    },
  };
  return { world, facts, memories, outbox, batches };
}

const PARENT = soulSchema.parse("0190f1e2-7c3a-7b4d-9e5f-0a1b2c3d4e5f");

function program(source: string) {
  const { program, diagnostics } = compile(source);
  expect(diagnostics).toEqual([]);
  return program;
}

let web: Server;
let base: string;
beforeAll(async () => {
  web = createServer((req, res) => {
    if (req.url === "/tickets.json")
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(["I was charged twice", "the app crashes on upload"]));
    res.writeHead(200, { "content-type": "text/plain" }).end("status: all systems normal");
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(() => {
  web.closeAllConnections();
  web.close();
});

describe.each(testBackends())("the being's Lux host on $name", (backend) => {
  let store: MasterStore;
  beforeAll(async () => {
    store = await backend.open();
    await store.beings.create({ soul: PARENT, genesis: { name: "parent" }, tags: [], energy_level: 0, attributes: {}, memories: {}, self_awareness: {} });
  });
  afterAll(() => backend.dispose(store));

  it("SUMMON creates a child at the master with its personality and program, and a summoned relationship", async () => {
    const { world } = memoryWorld();
    const host = createBeingLuxHost({ soul: PARENT, world, master: masterOver(store) });
    const result = await runLux(program('SUMMON "watcher-pricing" WITH {personality: "patient", program: "REPORT \\"hi\\" TO master"} AS child'), {
      host,
      source: PARENT,
    });
    expect(result.error).toBeNull();
    const child = result.variables.get("child") as { soul: string; name: string };
    const childSoul = soulSchema.parse(child.soul);
    expect(child.name).toBe("watcher-pricing");
    const record = await store.beings.get(childSoul);
    expect(record.genesis).toMatchObject({ name: "watcher-pricing", personality: "patient", program: 'REPORT "hi" TO master', summoned_by: PARENT });
    expect(record.tags).toContain("summoned");
    const links = await store.relationships.list({ source_soul: PARENT, target_soul: childSoul, limit: 10 });
    expect(links.items).toHaveLength(1);
    expect(links.items[0]!.tags).toEqual(["summoned"]);
  });

  it("LOAD master query lists beings by tag and name, never by SQL; CLASSIFY takes the master's labelled examples", async () => {
    const examples = [
      ["refund my payment, I was billed twice", "billing"],
      ["the invoice amount is wrong", "billing"],
      ["the app crashes when I upload a file", "bug"],
      ["error and a frozen page after clicking save", "bug"],
    ] as const;
    for (const [text, label] of examples)
      await store.beings.create({
        genesis: { name: `example ${label}` },
        tags: ["example"],
        attributes: { text, label },
        energy_level: 0,
        memories: {},
        self_awareness: {},
      });
    const { world, facts } = memoryWorld();
    const host = createBeingLuxHost({ soul: PARENT, world, master: masterOver(store) });
    const result = await runLux(
      program(
        'LOAD master query "tag:example" AS found\nLOAD master query "{\\"name\\": \\"parent\\"}" AS parents\n' +
          'CLASSIFY ["I was charged twice for one order", "the upload page crashes"] INTO ["billing", "bug"] AS labels\nREPORT labels TO master',
      ),
      { host, source: PARENT },
    );
    expect(result.error).toBeNull();
    expect((result.variables.get("found") as unknown[]).length).toBe(4);
    expect((result.variables.get("parents") as { soul: string }[]).map((b) => b.soul)).toEqual([PARENT]);
    expect(result.variables.get("labels")).toEqual(["billing", "bug"]);
    expect(facts.map((f) => f.text)).toEqual(["billing", "bug"]);
  });

  it("LOAD url fetches through lux.fetch and parses JSON; REPORT learns each text into the micro-world and its outbox", async () => {
    const { world, facts, outbox } = memoryWorld();
    const host = createBeingLuxHost({ soul: PARENT, world, master: masterOver(store) });
    const result = await runLux(
      program(
        `LOAD url "${base}/tickets.json" AS tickets\nLOAD url "${base}/status" AS status\nREPORT tickets TO master\nREPORT {text: status, confidence: 0.95} TO master`,
      ),
      { host, source: PARENT },
    );
    expect(result.error).toBeNull();
    expect(result.variables.get("tickets")).toEqual(["I was charged twice", "the app crashes on upload"]);
    expect(facts.map((f) => [f.text, f.confidence])).toEqual([
      ["I was charged twice", 0.8],
      ["the app crashes on upload", 0.8],
      ["status: all systems normal", 0.95],
    ]);
    host.flush();
    expect(outbox.filter((e) => e.type === "knowledge.learned")).toHaveLength(3);
    expect(outbox.filter((e) => e.type === "lux.step")).toHaveLength(4);
    expect(host.reported).toHaveLength(3);
  });

  it("REPORT of a list is one batch that carries the vectors EMBED made, for documents and for the records they came from", async () => {
    const { world, facts, batches } = memoryWorld({
      tickets: [
        { id: 1, text: "refund please" },
        { id: 2, text: "  the app crashes  " },
      ],
    });
    const host = createBeingLuxHost({ soul: PARENT, world, master: masterOver(store) });
    const result = await runLux(program("LOAD rows from tickets AS rows\nEMBED rows AS docs\nREPORT rows TO master\nREPORT docs TO master"), {
      host,
      source: PARENT,
    });
    expect(result.error).toBeNull();
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    const docs = result.variables.get("docs") as LuxDocument[];
    for (const batch of batches) {
      expect(batch.map((i) => i.text)).toEqual(["refund please", "the app crashes"]);
      // the very vectors EMBED made, not new ones
      expect(batch[0]!.embedding).toBe(docs[0]!.embedding);
      expect(batch[1]!.embedding).toBe(docs[1]!.embedding);
    }
    expect(facts[1]!.embedding).toEqual(hashEmbed("the app crashes"));
  });

  it("ASK master answers from the micro-world, labelled offline, when the master has no answer service", async () => {
    const { world } = memoryWorld();
    world.learn("the nightly import is slow because of the index rebuild", "teach", 0.9);
    world.learn("lunch is at noon", "teach", 0.5);
    const host = createBeingLuxHost({
      soul: PARENT,
      world,
      master: { ...masterOver(store), read: () => Promise.reject(new TypeError("Failed to fetch")) },
    });
    const result = await runLux(program('ASK master "what slows the nightly import?" AS known'), { host, source: PARENT });
    expect(result.error).toBeNull();
    const known = result.variables.get("known") as { offline: boolean; answered_by: string; answer: string; why: string };
    expect(known).toMatchObject({ offline: true, answered_by: "micro-world", answer: "the nightly import is slow because of the index rebuild" });
    expect(known.why).toMatch(/could not be reached \(Failed to fetch\)/);
  });

  it("RECALL finds what REMEMBER kept, by key and by meaning; LOAD rows and LOAD file read the being's own data", async () => {
    const { world } = memoryWorld({ tickets: [{ id: 1, text: "refund please" }] });
    const host = createBeingLuxHost({ soul: PARENT, world, files: [{ name: "notes.json", text: '{"topic": "pricing"}' }], master: masterOver(store) });
    const result = await runLux(
      program(
        'REMEMBER "the pricing page confuses new users" AS "pricing"\nREMEMBER {text: "refunds take a week", label: "billing"}\n' +
          'RECALL "pricing" AS a\nRECALL "how long do refunds take" AS b\nLOAD rows from tickets AS rows\nLOAD file "notes.json" AS notes',
      ),
      { host, source: PARENT },
    );
    expect(result.error).toBeNull();
    expect((result.variables.get("a") as unknown[])[0]).toBe("the pricing page confuses new users");
    expect((result.variables.get("b") as unknown[])[0]).toEqual({ text: "refunds take a week", label: "billing" });
    expect(result.variables.get("rows")).toEqual([{ id: 1, text: "refund please" }]);
    expect(result.variables.get("notes")).toEqual({ topic: "pricing" });
  });

  it("REPORT reaches the master through the real micro-world's outbox, and ASK answers from the master with provenance", async () => {
    const world = await MicroWorld.createInMemory(PARENT);
    try {
      const master = masterOver(store);
      const host = createBeingLuxHost({ soul: PARENT, world, master });
      const reported = await runLux(
        program('REPORT ["the nightly import waits on the index rebuild", {text: "backups finish at 3 am", confidence: 0.95}] TO master'),
        { host, source: PARENT },
      );
      expect(reported.error).toBeNull();
      host.flush();
      // what the being's sync loop does: send the outbox with events.push, delete what was acknowledged
      const entries = world.peek(1_000, 10_000_000);
      expect(entries.map((e) => (JSON.parse(e.envelope) as { type: string }).type).filter((t) => t === "knowledge.learned")).toHaveLength(2);
      const acks = (await master.mutation("events.push", { events: entries.map((e) => JSON.parse(e.envelope) as unknown) })) as { acks: { id: string }[] };
      world.acknowledge(acks.acks.map((a) => a.id));
      expect(world.depth()).toBe(0);

      const asked = await runLux(program('ASK master "what does the nightly import wait on?" AS known'), { host, source: PARENT });
      expect(asked.error).toBeNull();
      const known = asked.variables.get("known") as { offline: boolean; answer: string; hits: { text: string; sources: string[]; confidence: number }[] };
      expect(known.offline).toBe(false);
      expect(known.hits[0]).toMatchObject({ text: "the nightly import waits on the index rebuild", sources: ["parent"], confidence: 0.8 });
      expect(known.answer).toContain("index rebuild");
    } finally {
      world.close();
    }
  });

  it("says what to do when CALL has no route, RUN has no sandbox, a file was not dropped, a URL is refused", async () => {
    const { world } = memoryWorld();
    const strict = createCaller(createContext(store)) as unknown as Record<string, Record<string, Procedure>>;
    const master = masterOver(store);
    const host = createBeingLuxHost({
      soul: PARENT,
      world,
      master: {
        ...master,
        mutation: (path, input) =>
          path === "lux.fetch"
            ? strict["lux"]!["fetch"]!(input).catch((e: TRPCError) => Promise.reject(new MasterCallError(e.message, e.code)))
            : master.mutation(path, input),
      },
    });
    const error = async (source: string) => (await runLux(program(source), { host, source: PARENT })).error?.message;
    expect(await error('CALL being "scout" WITH "hi" AS x')).toMatch(/^CALL on line 1: CALL needs the page that runs this being/);
    expect(await error('RUN python """print(1)""" AS x')).toMatch(/RUN python needs a Python sandbox, and this being's host has none/);
    expect(await error('LOAD file "missing.csv" AS x')).toMatch(/no file named "missing.csv" was dropped on the editor/);
    expect(await error(`LOAD url "${base}/status" AS x`)).toMatch(/loopback or private address/);
  });
});
