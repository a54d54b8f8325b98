/**
 * Who may call a procedure (issue 10): every tRPC procedure declares exactly one rule with
 * `.meta({ access })`, and the authorize middleware in server/trpc.ts enforces it through the
 * policy module beside this file. A procedure without a rule is refused, and the authorization
 * matrix test (server/routers/authorization.test.ts) fails for it.
 *
 * In `LUXOS_AUTH=local` the one person is the owner of everything, so every rule but "nobody"
 * passes; in `required` mode anonymous callers pass only "anyone".
 */
export type Access =
  /** Nothing private: health, version, which reasoners exist. Anonymous callers pass even in `required` mode. */
  | { readonly kind: "anyone" }
  /** Any signed-in person; the procedure itself scopes what it returns to what that person may read (lists, search). */
  | { readonly kind: "person" }
  /** The server's owner (the first person): world-wide operations such as whole-log import or retention. */
  | { readonly kind: "owner" }
  /** The being whose soul is the input field `field`; `action` is checked against its person, or its room and the caller's role there. */
  | { readonly kind: "being"; readonly action: BeingAction; readonly field: string }
  /** The room whose id is the input field `field`; the caller needs at least `role` there. */
  | { readonly kind: "room"; readonly role: RoomRole; readonly field: string };

export type BeingAction = "read" | "run" | "edit" | "delete";

/** Room roles, weakest first. */
export const ROOM_ROLES = ["viewer", "editor", "owner"] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** What every procedure's `.meta()` carries. */
export interface ProcedureMeta {
  readonly access: Access;
}
