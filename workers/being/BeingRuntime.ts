/**
 * A being's life inside its worker: it owns the clock, runs `tickMind`, carries out every action
 * (decisions to the outbox, operations through the reasoner, world model to SQLite) and reports
 * its status. The mind itself stays a pure function (lib/mind).
 */
import { MAIN_BRANCH } from "../../lib/constants";
import { createEvent, type EventEnvelope } from "../../lib/events";
import { createMind, enqueue, parseMindInput, successRate, tickMind, type MindAction, type MindLayer, type MindState } from "../../lib/mind";
import type { BeingRecord, BeingStatus, BeingWorkerEvent, GoalEnded, GoalState, InitMode, LayerStatus, SyncStatus, WorkerError, WorkerState } from "./api";
import { ACTIVITY_SECONDS, GOALS_ENDED_KEPT, PERCEIVE_MS, SNAPSHOT_MS, STATUS_PUSH_MS, TEACH_CHUNK, TEACH_MAX_FACTS } from "./constants";
import { classifyStorageError, MicroWorld, MicroWorldError } from "./microWorld";
import { masterPullKnowledge, masterPushEvents, masterReportSpend } from "./masterFetch";
import { MindSpend } from "./mindSpend";
import { reasonerFor, type ChosenReasoner, type ReasonerReach } from "./reasonerFor";
import { SyncLoop, type PullFacts, type PushEvents, type ReportSpend } from "./SyncLoop";

const LAYERS: readonly MindLayer[] = ["reflex", "situation", "supervision"];
/** With no goal left, the being takes up its genesis goal again after this long (its program is its goal). */
const REPEAT_GOAL_MS = 20_000;
const MIND_SETTING = "mind";
/** The goals that ended lately (GoalEnded[], oldest first), written in the step that ended them. */
const GOALS_ENDED_SETTING = "goals_ended";
/** The supervision decisions that end a goal (lib/mind/supervision.ts), and what each means to the page. */
const GOAL_ENDINGS: Readonly<Record<string, GoalEnded["outcome"]>> = { goal_achieved: "achieved", abandon_goal: "abandoned" };
/** Facts a person teaches through the page are this confident: someone chose to say them. */
const TAUGHT_CONFIDENCE = 0.9;

type Listener = (event: BeingWorkerEvent) => void;
type StartOperation = Extract<MindAction, { kind: "start_operation" }>;

/** Per-second counters for the sparklines. */
class Activity {
  private readonly buckets = new Map<number, { ticks: number; decisions: number }>();
  add(now: number, ticks: number, decisions: number): void {
    const second = Math.floor(now / 1000);
    const b = this.buckets.get(second) ?? { ticks: 0, decisions: 0 };
    b.ticks += ticks;
    b.decisions += decisions;
    this.buckets.set(second, b);
    for (const key of this.buckets.keys()) if (key <= second - ACTIVITY_SECONDS) this.buckets.delete(key);
  }
  series(now: number, pick: "ticks" | "decisions"): number[] {
    const second = Math.floor(now / 1000);
    return Array.from({ length: ACTIVITY_SECONDS }, (_, i) => this.buckets.get(second - ACTIVITY_SECONDS + 1 + i)?.[pick] ?? 0);
  }
}

export class BeingRuntime {
  private mind: MindState;
  private state: WorkerState = "ready";
  private error: WorkerError | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pushTimer: ReturnType<typeof setInterval> | undefined;
  private readonly operations = new Map<string, AbortController>();
  private readonly lastDecision: Record<MindLayer, { decision: string; at: number } | null> = { reflex: null, situation: null, supervision: null };
  private readonly activity = new Activity();
  private readonly persistedWorld = new Map<string, string>();
  private listener: Listener | null = null;
  private lastSnapshot = 0;
  private lastPerception = 0;
  private idleSince: number | null = null;
  private goalSeq = 0;
  private startedAt: number | null = null;
  private lastReflection: string | null = null;
  private counts = { memories: 0 };
  /** Sends the outbox to the master; only a running being syncs (one browsing its micro-world does not). */
  private sync: SyncLoop | null = null;
  private lastSync: SyncStatus | null = null;
  private lastSyncProblem: string | null = null;
  private readonly onOnline = () => this.sync?.wake();
  private readonly onOffline = () => this.sync?.offline();
  private restoreMs = 0;
  /** Written with the first step, so starting costs one commit less. */
  private wokeUp = false;
  /** Goals that ended lately, by id (what GOALS_ENDED_SETTING holds), read once at start. */
  private readonly goalsEnded = new Map<string, GoalEnded>();
  private endedThisStep: GoalEnded[] = [];
  /** What the mind spent, booked for the master's Tiki ledger each time the mind is saved. */
  private readonly spend: MindSpend;

  private constructor(
    private readonly record: BeingRecord,
    private readonly world: MicroWorld,
    private readonly chosen: ChosenReasoner,
  ) {
    const began = performance.now();
    this.mind = this.restoreMind();
    this.spend = new MindSpend(this.mind.budget.spent, record.branch);
    this.counts = { memories: world.counts().memories };
    this.restoreGoalsEnded();
    // NOTE: the mind's snapshot may predate a goal's end (the list is written in the step that ended it): such a goal is not worked again.
    if (this.mind.goals.some((g) => this.goalsEnded.has(g.id))) this.mind = { ...this.mind, goals: this.mind.goals.filter((g) => !this.goalsEnded.has(g.id)) };
    this.restoreMs = Math.round(performance.now() - began);
  }

  /** Opens the micro-world and restores (or creates) the mind. Throws a MicroWorldError the host shows. */
  static async create(
    record: BeingRecord,
    mode: InitMode,
    reach: ReasonerReach = {},
    master: { push: PushEvents; pull: PullFacts; report: ReportSpend } = {
      push: masterPushEvents,
      pull: (since, signal) => masterPullKnowledge(since, record.soul, signal),
      report: (entries, signal) => masterReportSpend(record.soul, entries, signal),
    },
  ): Promise<BeingRuntime> {
    // NOTE: a being opened only to browse its micro-world reasons about nothing: no need to ask the master or the LLM worker.
    const choice = mode === "run" ? record.reasoner : "deterministic";
    const [world, chosen] = await Promise.all([MicroWorld.create(record.soul), reasonerFor(choice, reach)]);
    const runtime = new BeingRuntime(record, world, chosen);
    if (mode === "run") {
      runtime.wokeUp = true;
      runtime.sync = new SyncLoop({
        outbox: world,
        push: master.push,
        pull: { fetch: master.pull, store: world },
        spend: { report: master.report, store: world },
        isOnline: () => globalThis.navigator?.onLine !== false,
        onError: (error) => runtime.syncFailed(error),
      });
      world.onOutbox = () => runtime.sync?.nudge();
    }
    return runtime;
  }

  private restoreMind(): MindState {
    const saved = this.world.getSetting(MIND_SETTING);
    if (saved !== null) {
      try {
        const mind = JSON.parse(saved) as MindState;
        if (mind.soul === this.record.soul) {
          this.goalSeq = mind.seq;
          for (const [key, entry] of Object.entries(mind.world)) this.persistedWorld.set(key, JSON.stringify(entry));
          // NOTE: a restored mind keeps its budget and goals; operations it was waiting for died with the old worker and time out.
          return { ...mind, run: mind.run === "paused" ? "running" : mind.run };
        }
      } catch {
        this.world.remember("lifecycle", "the saved mind could not be read; starting a fresh one");
      }
    }
    return createMind({
      soul: this.record.soul,
      budget: this.record.budget,
      ...(this.record.periods && { periods: this.record.periods }),
      goals: this.record.goal ? [{ id: "genesis-goal", description: this.record.goal, priority: 1 }] : [],
    });
  }

  private restoreGoalsEnded(): void {
    const saved = this.world.getSetting(GOALS_ENDED_SETTING);
    if (saved === null) return;
    try {
      const list = JSON.parse(saved) as GoalEnded[];
      for (const ended of list) this.goalsEnded.set(ended.id, ended);
    } catch {
      this.world.remember("lifecycle", "the list of ended goals could not be read; starting a fresh one");
    }
  }

  /** Where goal `id` stands: in the mind, ended lately, or unknown. */
  goal(id: string): GoalState {
    const ended = this.goalsEnded.get(id);
    if (ended) return { status: ended.outcome, reason: ended.reason, at: ended.at };
    const live = this.mind.goals.find((g) => g.id === id);
    return live ? { status: live.status } : { status: "unknown" };
  }

  /** A goal ended in this step: kept in the step's transaction; pushed to the page once that commits. */
  private goalEnded(ended: GoalEnded): void {
    this.endedThisStep.push(ended);
    this.goalsEnded.delete(ended.id);
    this.goalsEnded.set(ended.id, ended);
    for (const id of this.goalsEnded.keys()) {
      if (this.goalsEnded.size <= GOALS_ENDED_KEPT) break;
      this.goalsEnded.delete(id);
    }
    this.saveGoalsEnded();
  }

  private saveGoalsEnded(): void {
    this.world.setSetting(GOALS_ENDED_SETTING, JSON.stringify([...this.goalsEnded.values()]));
  }

  onEvent(listener: Listener): void {
    this.listener = listener;
  }

  start(): void {
    if (this.state === "running" || this.state === "halted" || this.state === "paused") return;
    this.startedAt = Date.now();
    // NOTE: the mind was just loaded or made; the first snapshot can wait a period rather than slow the start.
    this.lastSnapshot = this.startedAt;
    this.state = "running";
    this.pushTimer = setInterval(() => this.push(), STATUS_PUSH_MS);
    globalThis.addEventListener?.("online", this.onOnline);
    globalThis.addEventListener?.("offline", this.onOffline);
    this.sync?.start();
    // NOTE: the first tick runs right after start() answers: the host learns at once that the loop is running.
    this.timer = setTimeout(() => this.step(), 0);
  }

  pause(): void {
    this.input({ kind: "command", command: "pause" });
  }

  resume(): void {
    this.input({ kind: "command", command: "resume" });
  }

  /** Stops the loop, saves the mind, closes the database. Idempotent. */
  stop(): void {
    if (this.state === "stopped") return;
    clearTimeout(this.timer);
    clearInterval(this.pushTimer);
    for (const controller of this.operations.values()) controller.abort();
    this.operations.clear();
    globalThis.removeEventListener?.("online", this.onOnline);
    globalThis.removeEventListener?.("offline", this.onOffline);
    this.lastSync = this.syncStatus();
    this.sync?.stop();
    if (this.state !== "error") {
      try {
        this.world.remember("lifecycle", "stopped");
        this.snapshot(Date.now());
      } catch (error) {
        this.fail(error);
      }
    }
    this.world.close();
    this.state = "stopped";
    this.push();
  }

  /** Feeds an untrusted input to the mind; the reflex runs at once. */
  input(raw: unknown): { ok: boolean; error?: string } {
    const parsed = parseMindInput(raw);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    // NOTE: a goal fed again after it ended is a new attempt: `goal(id)` speaks of that one from now on.
    const fed = parsed.value;
    if (fed.kind === "goal" && !this.mind.goals.some((g) => g.id === fed.id) && this.goalsEnded.delete(fed.id)) this.saveGoalsEnded();
    this.mind = enqueue(this.mind, parsed.value);
    if (this.state === "running" || this.state === "paused" || this.state === "halted") this.step();
    return { ok: true };
  }

  get microWorld(): MicroWorld {
    return this.world;
  }

  /**
   * Facts a person taught (the page's Teach box): each becomes a fact and a `knowledge.learned`
   * event in one transaction, TEACH_CHUNK facts per commit with a pause between commits so the
   * being keeps ticking and answering heartbeats. Answers the event ids.
   */
  async learn(texts: readonly string[]): Promise<string[]> {
    // NOTE: the page is trusted code, but comlink carries whatever it is given.
    const raw: unknown = texts;
    if (!Array.isArray(raw) || !raw.every((t): t is string => typeof t === "string")) throw new Error("learn takes a list of texts, one fact each.");
    const facts = raw.map((t) => t.trim()).filter((t) => t.length > 0);
    if (facts.length > TEACH_MAX_FACTS) throw new Error(`Teach at most ${TEACH_MAX_FACTS.toLocaleString("en")} facts at once; split the list.`);
    const ids: string[] = [];
    for (let start = 0; start < facts.length; start += TEACH_CHUNK) {
      if (start > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      const chunk = facts.slice(start, start + TEACH_CHUNK);
      ids.push(...this.world.learnMany(chunk.map((text) => ({ text, source: "teach", confidence: TAUGHT_CONFIDENCE, branch: this.record.branch }))));
    }
    if (ids.length > 0) this.world.remember("taught", ids.length === 1 ? `was taught: ${facts[0]}` : `was taught ${ids.length} facts`);
    this.push();
    return ids;
  }

  /** Sends the outbox now, forgetting the backoff (the Retry button). */
  syncNow(): void {
    this.sync?.wake();
  }

  /** A failed push: the status shows it; the memories note each new kind of failure once, not every retry. */
  private syncFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastSyncProblem) return;
    this.lastSyncProblem = message;
    try {
      this.world.remember("sync", `could not reach the master: ${message}`);
    } catch {
      // NOTE: the world may be closing; the status still carries the error.
    }
  }

  private syncStatus(): SyncStatus | null {
    if (!this.world.isOpen) return this.lastSync;
    if (this.sync) return this.sync.status();
    const depth = this.world.depth();
    return {
      state: "idle",
      depth,
      refused: this.world.refused(),
      sent: 0,
      lastSyncAt: null,
      lastAttemptAt: null,
      lastError: null,
      attempts: 0,
      nextAttemptAt: null,
      pulled: 0,
      lastPullAt: null,
    };
  }

  private step(): void {
    clearTimeout(this.timer);
    if (this.state === "stopped" || this.state === "error") return;
    const now = Date.now();
    try {
      this.perceive(now);
      const { state, actions, wakeAt, ran } = tickMind(this.mind, now);
      this.mind = state;
      const events: EventEnvelope[] = [];
      const writes = actions.some((a) => a.kind !== "start_operation") || ran.includes("situation") || now - this.lastSnapshot >= SNAPSHOT_MS || this.wokeUp;
      const carryOutAll = () => {
        if (this.wokeUp) this.world.remember("lifecycle", `woke up in a worker (${this.chosen.reasoner.id})`);
        this.wokeUp = false;
        for (const action of actions) this.carryOut(action, events, now);
        // NOTE: a being genesis'd in a branch (a fan-out variant) lives there: its decisions are that branch's events.
        const home = this.record.branch;
        this.world.appendOutbox(home === undefined || home === MAIN_BRANCH ? events : events.map((e) => ({ ...e, branch: home })));
        if (ran.includes("situation")) this.persistWorld();
        if (now - this.lastSnapshot >= SNAPSHOT_MS) this.snapshot(now);
      };
      // NOTE: one transaction per step: on OPFS each commit costs several round trips to the VFS's async proxy.
      this.endedThisStep = [];
      if (writes) this.world.write(carryOutAll);
      else carryOutAll();
      for (const ended of this.endedThisStep) this.listener?.(ended);
      this.activity.add(now, ran.filter((l) => l === "reflex").length, events.length);
      this.takeUpGoalAgain(now);
      this.state = this.mind.run === "running" ? "running" : this.mind.run;
      if (wakeAt !== Infinity) this.timer = setTimeout(() => this.step(), Math.max(0, wakeAt - Date.now()));
    } catch (error) {
      this.fail(error);
    }
  }

  private carryOut(action: MindAction, events: EventEnvelope[], now: number): void {
    switch (action.kind) {
      case "emit": {
        events.push(action.event);
        const { layer, decision, rationale } = action.event.data;
        this.lastDecision[layer] = { decision, at: now };
        if (layer === "supervision") this.lastReflection = `${decision}: ${rationale}`;
        const outcome = layer === "supervision" ? GOAL_ENDINGS[decision] : undefined;
        const id = action.event.subject;
        if (outcome && id !== undefined) this.goalEnded({ kind: "goal", id, outcome, reason: rationale, at: now });
        return;
      }
      case "start_operation":
        // NOTE: a macrotask later, so the step that started it commits and answers first (the deterministic reasoner resolves at once).
        setTimeout(() => void this.runOperation(action), 0);
        return;
      case "cancel_operation":
        this.operations.get(action.id)?.abort();
        this.operations.delete(action.id);
        return;
      case "send_message":
        events.push(
          createEvent({
            type: "being.message",
            source: this.record.soul,
            data: { to: action.to, text: action.text, ...(action.reply_to !== undefined && { reply_to: action.reply_to }) },
            trace: action.trace,
          }),
        );
        return;
      case "acknowledge":
        this.world.remember("acknowledge", `read ${action.message_id} from ${action.to}`);
        return;
      case "notify":
        this.listener?.({ kind: "notify", level: action.level, text: action.text });
        this.world.remember("notify", action.text);
        return;
      case "set_mode":
        this.world.remember("mode", `now ${action.mode}`);
        return;
      case "halt":
        for (const controller of this.operations.values()) controller.abort();
        this.operations.clear();
        this.world.remember("halt", action.reason);
        return;
    }
  }

  /** Slow work: the reasoner answers later, through an `operation_result` input with the same id. */
  private async runOperation(action: StartOperation): Promise<void> {
    const { id, kind, input, timeout_ms } = action.operation;
    const controller = new AbortController();
    this.operations.set(id, controller);
    const timeout = setTimeout(() => controller.abort(), timeout_ms);
    let result: unknown;
    try {
      if (kind === "plan") {
        const goalInput = input["goal"];
        const description =
          typeof goalInput === "object" && goalInput !== null && "description" in goalInput && typeof goalInput.description === "string"
            ? goalInput.description
            : "";
        const plan = await this.chosen.reasoner.plan(
          description,
          { name: this.record.name, persona: this.record.personality, facts: this.world.recentFacts(5) },
          { signal: controller.signal },
        );
        const learned = `${plan.kind} ${plan.topic}: ${plan.steps.map((s) => s.action).join(" → ")}`;
        this.world.write(() => {
          this.spend.bookPlan(this.world, id, plan.usage, this.chosen.reasoner.id);
          this.world.learnMany([{ text: learned, source: `plan:${id}`, confidence: plan.source === "template" ? 0.6 : 0.8, branch: this.record.branch }]);
          this.world.remember("plan", `planned "${description}" in ${plan.steps.length} steps`, { steps: plan.steps });
        });
        result = {
          kind: "operation_result",
          id,
          status: "ok",
          value: {
            reply: plan.reply ?? `${this.record.name} planned: ${plan.steps.map((s) => s.text).join("; ")}`,
            expectations: { "micro_world.facts": this.world.factCount },
          },
          tiki: plan.usage.tiki,
        };
      } else {
        // Exploring: the being's best explanation is that the world is as observed; it expects that from now on.
        const violations = Array.isArray(input["violations"]) ? input["violations"] : [];
        const expectations: Record<string, unknown> = {};
        for (const v of violations)
          if (typeof v === "object" && v !== null && "key" in v && typeof v.key === "string" && "observed" in v) expectations[v.key] = v.observed;
        this.world.remember("explore", `explained ${Object.keys(expectations).join(", ")} by what was observed`);
        result = { kind: "operation_result", id, status: "ok", value: { expectations } };
      }
    } catch (error) {
      const status = controller.signal.aborted ? "timeout" : "failed";
      result = { kind: "operation_result", id, status, error: error instanceof Error ? error.message.slice(0, 4000) : String(error) };
    } finally {
      clearTimeout(timeout);
      this.operations.delete(id);
    }
    if (this.state === "stopped" || this.state === "error") return;
    // NOTE: the being sees what it just learned before it hears the plan's expectation, or it would flag its own change as a violation.
    if (kind === "plan") this.mind = enqueue(this.mind, { kind: "perception", key: "micro_world.facts", value: this.world.factCount });
    const fed = this.input(result);
    if (!fed.ok) this.listener?.({ kind: "notify", level: "warning", text: `operation ${id}: ${fed.error}` });
  }

  /** The being looks at its own micro-world: the situation layer compares it with what it expects. */
  private perceive(now: number): void {
    if (now - this.lastPerception < PERCEIVE_MS || this.mind.run !== "running") return;
    this.lastPerception = now;
    this.mind = enqueue(this.mind, { kind: "perception", key: "micro_world.facts", value: this.world.factCount });
  }

  private takeUpGoalAgain(now: number): void {
    if (!this.record.goal || this.mind.run !== "running" || this.mind.goals.length > 0 || Object.keys(this.mind.operations).length > 0) {
      this.idleSince = null;
      return;
    }
    this.idleSince ??= now;
    if (now - this.idleSince < REPEAT_GOAL_MS) return;
    this.idleSince = null;
    this.goalSeq += 1;
    this.mind = enqueue(this.mind, { kind: "goal", id: `genesis-goal-${this.goalSeq}`, description: this.record.goal, priority: 1 });
  }

  private persistWorld(): void {
    for (const [key, entry] of Object.entries(this.mind.world)) {
      const json = JSON.stringify(entry);
      if (this.persistedWorld.get(key) === json) continue;
      this.world.setWorld(key, entry);
      this.persistedWorld.set(key, json);
    }
  }

  private snapshot(now: number): void {
    this.lastSnapshot = now;
    this.world.write(() => {
      this.spend.book(this.world, this.mind.budget.spent, now);
      this.world.setSetting(MIND_SETTING, JSON.stringify(this.mind));
    });
  }

  private fail(error: unknown): void {
    clearTimeout(this.timer);
    const storage = error instanceof MicroWorldError || /SQLITE|quota|lock/i.test(String(error)) ? classifyStorageError(error) : null;
    this.error = storage
      ? { reason: storage.reason === "refused" ? "unknown" : storage.reason, message: storage.message }
      : { reason: "mind", message: error instanceof Error ? error.message : String(error) };
    this.state = "error";
    this.push();
  }

  status(): BeingStatus {
    const now = Date.now();
    const layer = (l: MindLayer): LayerStatus => ({
      periodMs: this.mind.config.periods[l],
      ticks: this.mind.stats.ticks[l],
      lastDecision: this.lastDecision[l]?.decision ?? null,
      lastDecisionAt: this.lastDecision[l]?.at ?? null,
    });
    const layers = Object.fromEntries(LAYERS.map((l) => [l, layer(l)])) as Record<MindLayer, LayerStatus>;
    const plans = this.mind.stats.plans_ok + this.mind.stats.plans_failed;
    const sync = this.syncStatus();
    return {
      soul: this.record.soul,
      name: this.record.name,
      state: this.state,
      mode: this.mind.mode,
      error: this.error,
      layers,
      budget: { limit: this.mind.budget.limit, spent: this.mind.budget.spent },
      outboxDepth: sync?.depth ?? 0,
      sync,
      facts: this.world.factCount,
      memories: this.counts.memories,
      successRate: plans === 0 ? null : successRate(this.mind),
      lastReflection: this.lastReflection,
      reasoner: { choice: this.record.reasoner, id: this.chosen.reasoner.id, why: this.chosen.why },
      storage: { vfs: this.world.vfs, file: this.world.file },
      activity: this.activity.series(now, "ticks"),
      decisions: this.activity.series(now, "decisions"),
      startedAt: this.startedAt,
      boot: { ...this.world.timings, restoreMs: this.restoreMs },
      at: now,
    };
  }

  private push(): void {
    if (!this.listener) return;
    this.counts.memories = this.world.memoryCount;
    this.listener({ kind: "status", status: this.status() });
  }
}
