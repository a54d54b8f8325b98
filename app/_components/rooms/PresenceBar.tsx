import type { RoomState } from "../../../lib/rooms";
import type { Presence } from "../../_rooms/RoomConnection";
import { Avatar } from "./PersonBadge";

/** Who is in the room now, and which being each is looking at. */
export function PresenceBar({ presence, room }: { presence: readonly Presence[]; room: RoomState | null }) {
  return (
    <div className="flex items-center gap-3" data-testid="presence" data-count={presence.length}>
      <span className="text-xs text-slate-500">{presence.length === 1 ? "only you here" : `${presence.length} here`}</span>
      <div className="flex items-center -space-x-2">
        {presence.map((p) => {
          const looking = p.lookingAt ? room?.roster.get(p.lookingAt as never)?.name : undefined;
          return (
            <span key={p.clientId} data-testid="presence-person" data-name={p.name} data-self={p.self} data-looking-at={p.lookingAt ?? ""}>
              <Avatar name={p.name} color={p.color} ring title={`${p.name}${p.self ? " (you)" : ""}${looking ? ` · looking at ${looking}` : ""}`} />
            </span>
          );
        })}
      </div>
    </div>
  );
}
