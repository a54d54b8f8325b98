import "../serverOnly";
import { TRPCError } from "@trpc/server";
import type { Access, BeingAction, RoomRole } from "../../lib/auth/access";
import { decideBeing, decideRoom, decideSimple, type BeingHolder, type Decision, type Principal } from "../../lib/auth/policy";
import { isCoreSoul } from "../../lib/coreBeings";
import type { MasterStore } from "../db/store";

/**
 * The facts the policy needs, read from the store for one caller, and the checks procedures
 * use to scope what they return. Every decision itself is made in lib/auth/policy.ts.
 */
export interface AccessCheck {
  readonly principal: Principal;
  /** Applies a procedure's declared rule to its raw input; throws UNAUTHORIZED / FORBIDDEN with the policy's sentence. */
  enforce(access: Access, rawInput: unknown): Promise<void>;
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

  const check: AccessCheck = {
    principal,
    async enforce(access, rawInput) {
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
