/**
 * The one place that decides who may do what (issue 10). Pure functions: the authorize
 * middleware (server/trpc.ts) and the room socket gather the facts — who asks, whom a being
 * belongs to, which role the caller holds in a room — and ask here. A refusal is a sentence
 * that names the missing permission.
 */
import { ROOM_ROLES, type Access, type BeingAction, type RoomRole } from "./access";

/** Who is asking. `soul` is null only for the local owner before the person being exists (LUXOS_AUTH=local). */
export type Principal =
  { readonly kind: "anonymous" } | { readonly kind: "person"; readonly soul: string | null; readonly name: string; readonly serverOwner: boolean };

/** Whom a being belongs to; `null` (no record) means the server's owner. */
export interface BeingHolder {
  readonly person: string | null;
  readonly room: string | null;
}

/** What the policy needs to know about one being. */
export interface BeingFacts {
  readonly soul: string;
  readonly holder: BeingHolder | null;
  /** One of the fixed core beings of seed 001: every person may read them, nobody changes them. */
  readonly core: boolean;
  /** The caller's role in the being's room, when it belongs to one. */
  readonly roomRole: RoomRole | null;
}

export type Decision = { readonly ok: true } | { readonly ok: false; readonly code: "UNAUTHORIZED" | "FORBIDDEN"; readonly message: string };

const ALLOWED: Decision = { ok: true };
const SIGN_IN: Decision = { ok: false, code: "UNAUTHORIZED", message: "Sign in first: this server requires a passkey (open /signin)." };

/** The weakest room role that may do `action` to a being of the room. */
export const ROLE_FOR_ACTION: Readonly<Record<BeingAction, RoomRole>> = { read: "viewer", run: "editor", edit: "editor", delete: "owner" };

/** Whether `have` is at least `need` (viewer < editor < owner). */
export function roleAtLeast(have: RoomRole | null, need: RoomRole): boolean {
  return have !== null && ROOM_ROLES.indexOf(have) >= ROOM_ROLES.indexOf(need);
}

function forbidden(message: string): Decision {
  return { ok: false, code: "FORBIDDEN", message };
}

/** May `who` do `action` to the being described by `facts`? */
export function decideBeing(who: Principal, action: BeingAction, facts: BeingFacts): Decision {
  if (who.kind === "anonymous") return SIGN_IN;
  if (who.serverOwner) return ALLOWED;
  if (facts.core && action === "read") return ALLOWED;
  const holder = facts.holder;
  if (holder?.person !== null && holder?.person !== undefined && holder.person === who.soul) return ALLOWED;
  if (holder?.room) {
    const need = ROLE_FOR_ACTION[action];
    if (roleAtLeast(facts.roomRole, need)) return ALLOWED;
    return forbidden(
      facts.roomRole
        ? `You are ${article(facts.roomRole)} ${facts.roomRole} in this being's room; to ${action} being ${facts.soul} you need the ${need} role there: ask the room's owner.`
        : `Being ${facts.soul} belongs to a room you are not a member of; to ${action} it you need the ${need} role there: ask the room's owner for an invite.`,
    );
  }
  return forbidden(`Being ${facts.soul} is not yours: only ${holder?.person ? "the person it belongs to" : "the server's owner"} may ${action} it.`);
}

/**
 * What the policy needs to know about the branch a write names. `being` is null when no branch
 * being has that id (the store then answers that the branch does not exist); `label` is set when
 * the name is not a soul at all, so no branch being could ever own it.
 */
export interface BranchFacts {
  readonly id: string;
  readonly name: string;
  /** The branch being's facts (its holder is the person who forked it). */
  readonly being: BeingFacts | null;
  /** The name of the person the branch belongs to, for the refusal's sentence. */
  readonly ownerName: string | null;
  readonly label: boolean;
}

/**
 * May `who` write in a branch other than main? Only who may edit the branch being itself: the
 * person who forked it (or its room's editors, when it belongs to a room), and the server's owner.
 * Everyone else forks a branch of their own from it; reading a branch is not restricted here.
 */
export function decideBranchWrite(who: Principal, branch: BranchFacts): Decision {
  if (who.kind === "anonymous") return SIGN_IN;
  if (who.serverOwner) return ALLOWED;
  if (branch.label) {
    return forbidden(`"${branch.id}" is not a branch: write in "main", or in a branch of yours named by the soul branches.fork answered.`);
  }
  if (branch.being === null) return ALLOWED;
  if (decideBeing(who, "edit", branch.being).ok) return ALLOWED;
  const owner = branch.ownerName ?? (branch.being.holder?.room ? "the editors of its room" : "the server's owner");
  return forbidden(
    `Branch "${branch.name}" belongs to ${owner}: only they write in it. Fork your own branch from it (branches.fork with parent ${branch.id}) and write there, or write in main.`,
  );
}

/** What the policy needs to know about one task's Tiki budget. */
export interface BudgetFacts {
  readonly task: string;
  /** Who set it first; null: the server's owner (set by the master, or before owners were recorded). */
  readonly owner: string | null;
  readonly ownerName: string | null;
  /** Whether the caller may read a being whose spend the ledger holds under the task (they see that spend anyway). */
  readsSpend: boolean;
}

/**
 * May `who` read or change a task's budget? Changing is for the person who set it first and the
 * server's owner; reading also for whoever may read a being that spent under the task.
 */
export function decideBudget(who: Principal, action: "read" | "change", budget: BudgetFacts): Decision {
  if (who.kind === "anonymous") return SIGN_IN;
  if (who.serverOwner) return ALLOWED;
  if (budget.owner !== null && budget.owner === who.soul) return ALLOWED;
  if (action === "read" && budget.readsSpend) return ALLOWED;
  const owner = budget.owner === null ? "the server's owner" : (budget.ownerName ?? "another person");
  return forbidden(
    action === "change"
      ? `The budget of task "${budget.task}" belongs to ${owner}, who set it first: only they change it. Budget a task id of your own (such as "${budget.task}:<uuid>") instead.`
      : `The budget of task "${budget.task}" belongs to ${owner}: only they, and whoever may read a being that spent under it, may see it.`,
  );
}

/** May `who` act with at least `need` in a room where they hold `role` (null: not a member)? */
export function decideRoom(who: Principal, need: RoomRole, room: string, role: RoomRole | null): Decision {
  if (who.kind === "anonymous") return SIGN_IN;
  if (who.serverOwner || roleAtLeast(role, need)) return ALLOWED;
  return forbidden(
    role
      ? `You are ${article(role)} ${role} in room ${room}; this needs the ${need} role: ask the room's owner.`
      : `You are not a member of room ${room}; this needs the ${need} role: ask the room's owner for an invite.`,
  );
}

/**
 * Decides the rules that need no facts about a being or room: anyone, person, owner.
 * For `being` and `room` rules use decideBeing / decideRoom with the facts.
 */
export function decideSimple(who: Principal, access: Extract<Access, { kind: "anyone" | "person" | "owner" }>): Decision {
  if (access.kind === "anyone") return ALLOWED;
  if (who.kind === "anonymous") return SIGN_IN;
  if (access.kind === "person" || who.serverOwner) return ALLOWED;
  return forbidden("Only the server's owner may do this.");
}

/** The role a person holds in a room as the room socket grants it: viewers read, editors and owners write. */
export function socketRole(who: Principal, role: RoomRole | null): "editor" | "viewer" | null {
  if (who.kind === "anonymous") return null;
  if (who.serverOwner) return "editor";
  if (role === null) return null;
  return role === "viewer" ? "viewer" : "editor";
}

function article(role: RoomRole): string {
  return role === "viewer" ? "a" : "an";
}
