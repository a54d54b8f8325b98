import type { ConnectionState } from "../../_rooms/RoomConnection";

const LOOK = {
  connected: ["bg-emerald-50 text-emerald-700", "live"],
  connecting: ["bg-amber-50 text-amber-700", "connecting…"],
  offline: ["bg-slate-100 text-slate-600", "offline: edits are kept and merge when you are back"],
  refused: ["bg-rose-50 text-rose-700", "refused"],
} as const;

/** Whether the room is live, reconnecting, offline or refused, and with which role. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const [className, label] = LOOK[state.status];
  return (
    <span className="flex items-center gap-1.5">
      <span
        data-testid="room-status"
        data-status={state.status}
        data-synced={state.synced}
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${className}`}
      >
        {label}
      </span>
      {state.role && (
        <span data-testid="room-role" data-role={state.role} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
          {state.role}
        </span>
      )}
    </span>
  );
}
