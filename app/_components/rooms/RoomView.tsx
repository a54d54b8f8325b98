"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { loadRoomToken, saveRoomToken } from "../../_rooms/roomTokens";
import { useRoom } from "../../_rooms/useRoom";
import { useSwarm } from "../../_swarm/useSwarm";
import { useMe } from "../people/useMe";
import { useTRPC } from "../../_trpc/client";
import { PageHeader } from "../ui/PageHeader";
import { ChatPanel } from "./ChatPanel";
import { ConnectionBadge } from "./ConnectionBadge";
import { InvitePanel } from "./InvitePanel";
import { MembersPanel } from "./MembersPanel";
import { MissionBoard } from "./MissionBoard";
import { NotesPanel } from "./NotesPanel";
import { PresenceBar } from "./PresenceBar";
import { RosterPanel } from "./RosterPanel";

/** A room: presence, roster, mission board and chat, live over Yjs and kept offline in IndexedDB. */
export function RoomView({ roomId, urlToken }: { roomId: string; urlToken: string | null }) {
  const trpc = useTRPC();
  const me = useMe();
  const required = me.data?.mode === "required";
  const [held, setHeld] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    setHeld(urlToken ?? loadRoomToken(roomId)?.token ?? null);
    setReady(true);
  }, [roomId, urlToken]);
  // NOTE: on a team server membership decides, so the socket token always comes fresh from rooms.access; locally a held link wins.
  const access = useQuery({
    ...trpc.rooms.access.queryOptions({ room: roomId }),
    retry: false,
    enabled: ready && me.data !== undefined && (required || !held),
  });
  // NOTE: a refused refetch (the person was removed) keeps the last data in the cache; its token must not be used again.
  const token = required ? (access.isError ? null : (access.data?.token ?? null)) : (held ?? access.data?.token ?? null);
  const info = useQuery({ ...trpc.rooms.get.queryOptions({ room: roomId }), retry: false });
  const { connection, state, room, person, mine, addBeing, removeBeing, agentErrors } = useRoom(roomId, token);
  const queryClient = useQueryClient();
  useEffect(() => {
    // A changed role (or a removal) closed this person's socket: a fresh token for the new role reconnects the room, and the page follows.
    if (state.roleChanges === 0) return;
    void queryClient.invalidateQueries({ queryKey: trpc.rooms.access.queryKey({ room: roomId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.rooms.members.queryKey({ room: roomId }) });
  }, [state.roleChanges, queryClient, trpc, roomId]);
  const { beings: swarm } = useSwarm();

  useEffect(() => {
    // NOTE: a link that opened the room is remembered, so the room is one click away on /rooms next time.
    if (token && state.role && state.expiresAt && urlToken === token) saveRoomToken(roomId, { token, role: state.role, expires_at: state.expiresAt });
  }, [roomId, token, urlToken, state.role, state.expiresAt]);

  const readOnly = state.role === "viewer" || state.status === "refused";
  const title = info.data?.name ?? "Room";

  if (ready && !token && (access.isError || (!required && access.isFetched && !access.data))) {
    return (
      <>
        <PageHeader title={title} />
        <div role="alert" data-testid="room-refused" className="rounded-xl border border-amber-200 bg-amber-50 p-5 text-sm text-amber-900">
          {access.error ? `${errorMessage(access.error)} ` : "You hold no invite to this room. "}Open the invite link its owner sent you, or go back to{" "}
          <Link href="/rooms" className="underline">
            Rooms
          </Link>
          .
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={title}
        description={info.data ? `owner ${info.data.owner} · room ${roomId}` : `room ${roomId}`}
        badge={<ConnectionBadge state={state} />}
        actions={state.status === "refused" ? undefined : <PresenceBar presence={state.presence} room={room} />}
      />
      {state.status === "refused" && (
        <div role="alert" data-testid="room-refused" className="mb-6 rounded-xl border border-rose-200 bg-rose-50 p-5 text-sm text-rose-900">
          <p className="font-semibold">This invite does not open the room</p>
          <p className="mt-1">{state.problem}</p>
        </div>
      )}
      {state.role === "viewer" && (
        <div data-testid="viewer-banner" className="mb-6 rounded-xl border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
          <span className="font-semibold">Read-only.</span> You joined with a viewer invite: you see everything live, but you cannot post, chat or add beings.
        </div>
      )}
      {state.problem && state.status !== "refused" && (
        <p className="mb-4 text-sm text-amber-700" data-testid="room-problem">
          {state.problem}
        </p>
      )}
      {agentErrors.length > 0 && (
        <p className="mb-4 text-sm text-amber-700" data-testid="agent-errors">
          Room agents: {agentErrors.at(-1)}
        </p>
      )}
      {/* NOTE: a refused invite shows nothing of the room, not even this browser's earlier copy. */}
      {connection && room && person && state.status !== "refused" && (
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
          <div className="grid min-w-0 content-start gap-6">
            <MissionBoard roomId={roomId} room={room} readOnly={readOnly} />
            <ChatPanel connection={connection} room={room} person={person} mine={mine} readOnly={readOnly} roomId={roomId} />
          </div>
          <div className="grid min-w-0 content-start gap-6">
            <RosterPanel
              connection={connection}
              room={room}
              presence={state.presence}
              person={person}
              swarm={swarm}
              mine={mine}
              readOnly={readOnly}
              onAdd={addBeing}
              onRemove={removeBeing}
            />
            {required && <MembersPanel roomId={roomId} canManage={access.data?.member_role === "owner"} me={me.data?.person?.soul ?? null} />}
            {(required ? access.data?.member_role === "owner" : !readOnly) && <InvitePanel roomId={roomId} />}
            <NotesPanel connection={connection} notes={room.notes} readOnly={readOnly} />
          </div>
        </div>
      )}
    </>
  );
}
