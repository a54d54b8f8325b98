"use client";
import { useState } from "react";
import type { RoomState } from "../../../lib/rooms";
import type { LocalPerson } from "../../_rooms/localPerson";
import type { Presence, RoomConnection } from "../../_rooms/RoomConnection";
import type { SwarmBeing } from "../../_swarm/SwarmHost";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";
import { Avatar } from "./PersonBadge";

const STATUS = { running: "text-emerald-700", paused: "text-amber-700", left: "text-slate-400" } as const;

/** The beings in the room, the peer that hosts each, who is looking at which; add one of this browser's beings. */
export function RosterPanel({
  connection,
  room,
  presence,
  person,
  swarm,
  mine,
  readOnly,
  onAdd,
  onRemove,
}: {
  connection: RoomConnection;
  room: RoomState;
  presence: readonly Presence[];
  person: LocalPerson;
  swarm: readonly SwarmBeing[];
  mine: readonly string[];
  readOnly: boolean;
  onAdd: (soul: string) => void;
  onRemove: (soul: string) => void;
}) {
  const [pick, setPick] = useState("");
  const [looking, setLooking] = useState<string | null>(null);
  const addable = swarm.filter((b) => b.phase === "running" && !mine.includes(b.soul));
  const roster = [...room.roster].sort(([, a], [, b]) => a.since - b.since);
  const look = (soul: string) => {
    const next = looking === soul ? null : soul;
    setLooking(next);
    connection.setLookingAt(next);
  };
  return (
    <Panel title="Beings in the room" description="Each runs in the browser of the peer that hosts it." testId="roster">
      {roster.length === 0 && <p className="mb-3 text-sm text-slate-500">No beings yet.</p>}
      <ul className="mb-3 grid gap-2">
        {roster.map(([soul, entry]) => {
          const watchers = presence.filter((p) => p.lookingAt === soul);
          const here = entry.host === person.peer;
          return (
            <li
              key={soul}
              data-testid="roster-being"
              data-soul={soul}
              data-name={entry.name}
              data-host={entry.host}
              data-status={entry.status}
              className={`rounded-lg border px-3 py-2 ${looking === soul ? "border-indigo-300 bg-indigo-50/50" : "border-slate-200"}`}
            >
              <div className="flex items-center justify-between gap-2">
                <button
                  type="button"
                  className="min-w-0 text-left"
                  onClick={() => look(soul)}
                  data-testid="roster-look"
                  title="Show the others you are looking at this being"
                >
                  <span className="block truncate text-sm font-medium text-slate-900">{entry.name}</span>
                  <span className="block text-xs text-slate-500">
                    on {here ? "this browser" : `peer ${entry.host}`} · <span className={STATUS[entry.status]}>{entry.status}</span>
                  </span>
                </button>
                <div className="flex items-center -space-x-1.5">
                  {watchers.map((p) => (
                    <Avatar key={p.clientId} name={p.name} color={p.color} ring title={`${p.name} is looking at ${entry.name}`} testId="roster-watcher" />
                  ))}
                </div>
              </div>
              {!readOnly && mine.includes(soul) && entry.status !== "left" && (
                <button type="button" className="mt-1 text-xs text-slate-500 hover:text-rose-700" onClick={() => onRemove(soul)}>
                  Take out of the room
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {!readOnly && (
        <div className="flex gap-2" data-testid="add-being">
          <select
            aria-label="Add one of your beings"
            data-testid="add-being-select"
            className={`${inputClass} min-w-0 flex-1`}
            value={pick}
            onChange={(e) => setPick(e.target.value)}
          >
            <option value="">{addable.length ? "Add one of your running beings…" : "No running beings to add (spawn one on Swarm)"}</option>
            {addable.map((b) => (
              <option key={b.soul} value={b.soul}>
                {b.name}
              </option>
            ))}
          </select>
          <Button
            data-testid="add-being-submit"
            disabled={!pick}
            onClick={() => {
              onAdd(pick);
              setPick("");
            }}
          >
            Add
          </Button>
        </div>
      )}
    </Panel>
  );
}
