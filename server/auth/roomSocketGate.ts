import "../serverOnly";
import type { IncomingMessage } from "node:http";
import { decideRoom, socketRole } from "../../lib/auth/policy";
import type { MasterStore } from "../db/store";
import type { RoomGrant } from "../rooms/createRoomServer";
import type { AuthService } from "./createAuthService";

export type SocketDecision =
  | { readonly ok: true; readonly grant?: RoomGrant }
  | { readonly ok: false; readonly status: 401 | 403 | 429; readonly message: string; readonly retryAfter?: number };

/**
 * Who may open a room's socket. LUXOS_AUTH=local: the invite token decides (the room server checks it).
 * LUXOS_AUTH=required: the session cookie names the person, their membership names the role
 * (viewers read only), and connects are rate-limited per IP and per person.
 */
export function createRoomSocketGate(auth: AuthService, store: MasterStore) {
  return async function decide(req: IncomingMessage, roomId: string): Promise<SocketDecision> {
    if (auth.config.mode === "local") return { ok: true };
    const caller = await auth.callerOf(req.headers.cookie);
    const ip = req.socket.remoteAddress ?? "unknown";
    const wait = auth.limits.socket.take(`ip:${ip}`, ...(caller.person ? [`person:${caller.person.soul}`] : []));
    if (wait > 0) return { ok: false, status: 429, message: `Too many connections: wait ${wait} s and reconnect.`, retryAfter: wait };
    const who = caller.principal;
    if (who.kind === "anonymous" || !caller.person) return { ok: false, status: 401, message: "Sign in first: this server requires a passkey (open /signin)." };
    const role = caller.person.server_owner ? "owner" : await store.identity.roleIn(roomId, caller.person.soul);
    const granted = socketRole(who, role);
    if (!granted) {
      const refusal = decideRoom(who, "viewer", roomId, role);
      return { ok: false, status: 403, message: refusal.ok ? "You are not a member of this room." : refusal.message };
    }
    return { ok: true, grant: { role: granted, person: caller.person.soul } };
  };
}
