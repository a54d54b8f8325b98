"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { heldRooms, saveRoomToken, type StoredInvite } from "../../_rooms/roomTokens";
import { loadLocalPerson } from "../../_rooms/localPerson";
import { useMe } from "../people/useMe";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { inputClass } from "../ui/FormField";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { PersonSettings } from "./PersonSettings";

/** The /rooms page: who you are in rooms, a new room, and the rooms you hold an invite to. */
export function RoomsView() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const rooms = useQuery(trpc.rooms.list.queryOptions());
  const me = useMe();
  const [held, setHeld] = useState<Record<string, StoredInvite>>({});
  const [name, setName] = useState("");
  useEffect(() => setHeld(heldRooms()), []);
  const create = useMutation(
    trpc.rooms.create.mutationOptions({
      onSuccess: (room) => {
        saveRoomToken(room.id, { token: room.invite.token, role: room.invite.role, expires_at: room.invite.expires_at });
        void queryClient.invalidateQueries({ queryKey: trpc.rooms.list.queryKey() });
        router.push(room.invite.link);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim(), owner: loadLocalPerson().name });
  };

  return (
    <>
      <PageHeader
        title="Rooms"
        description="Share a live swarm with your team: presence, a mission board the master and your beings work on, and chat across browsers."
      />
      <div className="grid gap-6">
        {me.data?.mode !== "required" && (
          <Panel title="You in rooms" description="Others see this name and colour next to you. It stays in this browser.">
            <PersonSettings />
          </Panel>
        )}
        <Panel title="New room" description="You get an editor link to it; invite others from inside the room.">
          <form onSubmit={submit} className="flex flex-wrap gap-2">
            <input
              data-testid="room-name"
              aria-label="Room name"
              className={`${inputClass} max-w-sm`}
              placeholder="e.g. Garden crew"
              value={name}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
              required
            />
            <Button type="submit" variant="primary" data-testid="room-create" disabled={create.isPending || !name.trim()}>
              {create.isPending ? "Creating…" : "Create room"}
            </Button>
          </form>
          {create.error && <p className="mt-2 text-sm text-rose-700">{errorMessage(create.error)}</p>}
        </Panel>
        <Panel title="Your rooms" description="The rooms you are a member of; for others, ask their owner for an invite link.">
          {rooms.error && <ErrorBox error={rooms.error} onRetry={() => void rooms.refetch()} />}
          {rooms.data && rooms.data.items.length === 0 && <p className="text-sm text-slate-500">No rooms yet. Create the first one above.</p>}
          <ul className="divide-y divide-slate-100" data-testid="rooms-list">
            {rooms.data?.items.map((room) => {
              const invite = held[room.id];
              const expired = invite && Date.parse(invite.expires_at) <= Date.now();
              return (
                <li key={room.id} className="flex flex-wrap items-center justify-between gap-2 py-2.5" data-testid="room-row" data-room={room.id}>
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-slate-900">{room.name}</p>
                    <p className="text-xs text-slate-500">
                      owner {room.owner} · created {new Date(room.created_at).toLocaleDateString()}
                    </p>
                  </div>
                  {invite && !expired ? (
                    <Link
                      href={`/rooms/${room.id}?token=${encodeURIComponent(invite.token)}`}
                      className="rounded-lg bg-indigo-50 px-3 py-1.5 text-xs font-medium text-indigo-700 hover:bg-indigo-100"
                      data-testid="room-open"
                    >
                      Open as {invite.role}
                    </Link>
                  ) : (
                    <Link
                      href={`/rooms/${room.id}`}
                      className="rounded-lg bg-indigo-50 px-3 py-1.5 text-xs font-medium text-indigo-700 hover:bg-indigo-100"
                      data-testid="room-open"
                    >
                      Open as {room.role}
                    </Link>
                  )}
                </li>
              );
            })}
          </ul>
        </Panel>
      </div>
    </>
  );
}
