import "../serverOnly";
import { TRPCError } from "@trpc/server";
import type { Access, BeingAction, RoomRole } from "../../lib/auth/access";
import {
  decideBeing,
  decideBranchWrite,
  decideBudget,
  decideRoom,
  decideSimple,
  type BeingHolder,
  type BranchFacts,
  type Decision,
  type Principal,
} from "../../lib/auth/policy";
import { MAIN_BRANCH } from "../../lib/constants";
import { isCoreSoul } from "../../lib/coreBeings";
import { soulSchema } from "../../lib/ids";
import { StoreError } from "../db/errors";
import { BUDGET_READER_BEINGS } from "./constants";
import type { MasterStore } from "../db/store";

/**
 * The facts the policy needs, read from the store for one caller, and the checks procedures
 * use to scope what they return. Every decision itself is made in lib/auth/policy.ts.
 */
export interface AccessCheck {
  readonly principal: Principal;
  /**
   * Applies a procedure's declared rule to its raw input; throws UNAUTHORIZED / FORBIDDEN with the policy's sentence.
   * A mutation that names branches other than main (see {@link branchesNamed}) also needs the right to write in each.
   */
  enforce(access: Access, rawInput: unknown, type?: "query" | "mutation" | "subscription"): Promise<void>;
  /** Throws unless the caller may read or change the budget of `task` (a task without a budget yet: anyone may set it, and owns it). */
  requireBudget(task: string, action: "read" | "change"): Promise<void>;
  /** Throws unless the caller may write in every branch of `branches` (main needs nothing more). */
  requireBranchWrites(branches: readonly string[]): Promise<void>;
  /** Throws unless the caller may do `action` to every being in `souls`. */
  requireBeings(souls: readonly string[], action: BeingAction): Promise<void>;
  /** Throws unless the caller holds at least `role` in `room`. */
  requireRoom(room: string, role: RoomRole): Promise<void>;
  /** The souls among `souls` the caller may read. */
  readable(souls: readonly string[]): Promise<Set<string>>;
  /** The caller's role in a room (the server's owner: "owner"; not a member: null). */
  roleIn(room: string): Promise<RoomRole | null>;
  /** Records that new beings belong to the caller, and to `room` when given (the caller must be an editor there). */
  claim(souls: readonly string[], room?: string | null): Promise<void>;
}

export function raise(decision: Decision): void {
  if (!decision.ok) throw new TRPCError({ code: decision.code, message: decision.message });
}

/** Reads a dotted field (`a.soul`) of an unparsed input; undefined when it is not a string. */
export function fieldOf(input: unknown, field: string): string | undefined {
  let value: unknown = input;
  for (const key of field.split(".")) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value.toLowerCase() : undefined;
}

/**
 * The branches a raw input names: its own `branch` and `branches` tags, and those of each object one level down
 * (`scope.branch`, `facts[].branch`, `beings[].branches`, `entries[].branch`), as sent, without repeats.
 * Generic on purpose, so a new procedure that takes a branch is covered without a rule of its own.
 * NOTE: not trimmed or lower-cased: only exactly "main" needs no check (a label " Main" must not pass as main).
 */
export function branchesNamed(input: unknown): string[] {
  const found = new Set<string>();
  const take = (value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const { branch, branches } = value as Record<string, unknown>;
      if (typeof branch === "string") found.add(branch);
      // NOTE: a row's `branches` tags say which branches it belongs to: tagging a row with a branch writes in that branch.
      if (Array.isArray(branches)) for (const b of branches) if (typeof b === "string") found.add(b);
    }
  };
  take(input);
  if (typeof input === "object" && input !== null) {
    for (const child of Object.values(input)) {
      if (Array.isArray(child)) child.forEach(take);
      else take(child);
    }
  }
  return [...found];
}

export function createAccessCheck(store: MasterStore, principal: Principal): AccessCheck {
  const everything = principal.kind === "person" && principal.serverOwner;
  let rooms: Promise<Map<string, RoomRole>> | undefined;
  const myRooms = () =>
    (rooms ??= principal.kind === "person" && principal.soul ? store.identity.roomsOf(principal.soul) : Promise.resolve(new Map<string, RoomRole>()));

  async function roleIn(room: string): Promise<RoomRole | null> {
    if (everything) return "owner";
    return (await myRooms()).get(room) ?? null;
  }

  async function decisions(souls: readonly string[], action: BeingAction): Promise<Map<string, Decision>> {
    const holders = everything || principal.kind === "anonymous" ? new Map<string, BeingHolder>() : await store.identity.holders(souls);
    const mine = await myRooms();
    return new Map(
      souls.map((soul) => {
        const holder = holders.get(soul) ?? null;
        const roomRole = holder?.room ? (mine.get(holder.room) ?? null) : null;
        return [soul, decideBeing(principal, action, { soul, holder, core: isCoreSoul(soul), roomRole })];
      }),
    );
  }

  /** The facts about one branch a write names (a branch being, an unknown soul, or a label that is no soul). */
  async function branchFacts(named: string): Promise<BranchFacts> {
    const parsed = soulSchema.safeParse(named.trim());
    if (!parsed.success) return { id: named, name: named, being: null, ownerName: null, label: true };
    const id: string = parsed.data;
    let branch;
    try {
      branch = await store.branches.get(id);
    } catch (error) {
      if (error instanceof StoreError && error.reason === "NOT_FOUND") return { id, name: id, being: null, ownerName: null, label: false };
      throw error;
    }
    const holder = (await store.identity.holders([id])).get(id) ?? null;
    const roomRole = holder?.room ? ((await myRooms()).get(holder.room) ?? null) : null;
    const ownerSoul = holder?.person ?? branch.creator;
    const ownerName = ownerSoul ? ((await store.identity.getPerson(ownerSoul))?.name ?? null) : null;
    return { id, name: branch.name, being: { soul: id, holder, core: false, roomRole }, ownerName, label: false };
  }

  async function rule(access: Access, rawInput: unknown): Promise<void> {
    switch (access.kind) {
      case "anyone":
      case "person":
      case "owner":
        return raise(decideSimple(principal, access));
      case "being": {
        const soul = fieldOf(rawInput, access.field);
        // NOTE: an input without the field fails validation next; a signed-out caller is still told to sign in first.
        if (soul === undefined) return raise(decideSimple(principal, { kind: "person" }));
        return check.requireBeings([soul], access.action);
      }
      case "room": {
        const room = fieldOf(rawInput, access.field);
        if (room === undefined) return raise(decideSimple(principal, { kind: "person" }));
        return check.requireRoom(room, access.role);
      }
    }
  }

  const check: AccessCheck = {
    principal,
    async enforce(access, rawInput, type) {
      await rule(access, rawInput);
      if (type === "mutation") await check.requireBranchWrites(branchesNamed(rawInput));
    },
    async requireBudget(task, action) {
      if (everything) return;
      if (principal.kind === "anonymous") return raise(decideSimple(principal, { kind: "person" }));
      const budget = await store.tiki.budget(task);
      if (!budget) return;
      const mine = budget.owner !== null && budget.owner === principal.soul;
      const readsSpend = action === "read" && !mine && (await check.readable(await store.tiki.taskBeings(task, BUDGET_READER_BEINGS))).size > 0;
      const ownerName = budget.owner && !mine ? ((await store.identity.getPerson(budget.owner))?.name ?? null) : null;
      raise(decideBudget(principal, action, { task, owner: budget.owner, ownerName, readsSpend }));
    },
    async requireBranchWrites(branches) {
      if (everything) return;
      for (const id of branches) {
        if (id === MAIN_BRANCH) continue;
        raise(decideBranchWrite(principal, await branchFacts(id)));
      }
    },
    async requireBeings(souls, action) {
      if (everything) return;
      for (const decision of (await decisions(souls, action)).values()) raise(decision);
    },
    async requireRoom(room, role) {
      raise(decideRoom(principal, role, room, await roleIn(room)));
    },
    async readable(souls) {
      if (everything) return new Set(souls);
      const found = await decisions(souls, "read");
      return new Set([...found].filter(([, d]) => d.ok).map(([soul]) => soul));
    },
    roleIn,
    async claim(souls, room) {
      if (room) await check.requireRoom(room, "editor");
      const person = principal.kind === "person" ? principal.soul : null;
      // NOTE: in LUXOS_AUTH=local before the owner's person exists, an unrecorded being already belongs to the server's owner.
      if (person === null && !room) return;
      await store.identity.setHolder(souls, { person, room: room ?? null });
    },
  };
  return check;
}
