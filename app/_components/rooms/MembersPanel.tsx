"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../_lib/errorMessage";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC } from "../../_trpc/client";
import { Avatar } from "../people/Avatar";
import { Button } from "../ui/Button";
import { Panel } from "../ui/Panel";

const ROLE_WORDS = { owner: "Owner", editor: "Can edit", viewer: "View only" } as const;

/** The room's people and their roles; an owner changes roles, removes members and revokes pending invites. */
export function MembersPanel({ roomId, canManage, me }: { roomId: string; canManage: boolean; me: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.rooms.members.queryOptions({ room: roomId }));
  const invites = useQuery({ ...trpc.rooms.invites.queryOptions({ room: roomId }), enabled: canManage, refetchInterval: 10_000 });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.rooms.members.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.rooms.invites.queryKey() }),
    ]);
  const setRole = useMutation(trpc.rooms.setRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.rooms.removeMember.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.rooms.revokeInvite.mutationOptions({ onSuccess: refresh }));
  const error = setRole.error ?? remove.error ?? revoke.error;

  return (
    <Panel
      title="Members"
      description={canManage ? "Roles decide who may read, edit and delete in this room." : "Who belongs to this room."}
      testId="members-panel"
    >
      <ul className="divide-y divide-slate-100">
        {members.data?.items.map((m) => (
          <li key={m.person} data-testid="member" data-person={m.person} data-role={m.role} className="flex items-center gap-2 py-2">
            <Avatar name={m.name} colour={m.colour} size="sm" />
            <span className="min-w-0 flex-1 truncate text-sm text-slate-800">
              {m.name}
              {m.person === me && <span className="text-slate-400"> (you)</span>}
            </span>
            {canManage ? (
              <>
                <select
                  aria-label={`Role of ${m.name}`}
                  data-testid="member-role"
                  value={m.role}
                  disabled={setRole.isPending}
                  onChange={(e) => setRole.mutate({ room: roomId, person: m.person, role: e.target.value as keyof typeof ROLE_WORDS })}
                  className="w-28 shrink-0 rounded-md border-0 bg-white py-1 pr-7 pl-2 text-xs text-slate-700 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-500"
                >
                  {(["viewer", "editor", "owner"] as const).map((r) => (
                    <option key={r} value={r}>
                      {ROLE_WORDS[r]}
                    </option>
                  ))}
                </select>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove ${m.name}`}
                  data-testid="member-remove"
                  onClick={() => remove.mutate({ room: roomId, person: m.person })}
                >
                  ✕
                </Button>
              </>
            ) : (
              <span className="text-xs text-slate-500">{ROLE_WORDS[m.role]}</span>
            )}
          </li>
        ))}
        {members.data?.items.length === 0 && <li className="py-2 text-sm text-slate-500">Nobody has joined by invite yet.</li>}
      </ul>
      {canManage && (invites.data?.items.length ?? 0) > 0 && (
        <div className="mt-4">
          <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Pending invites</h3>
          <ul className="mt-1 divide-y divide-slate-100">
            {invites.data?.items.map((inv) => (
              <li key={inv.id} data-testid="pending-invite" data-role={inv.role} className="flex items-center justify-between gap-2 py-2 text-sm">
                <span className="text-slate-700">
                  {ROLE_WORDS[inv.role]}{" "}
                  <span className="text-xs text-slate-400">
                    · made {formatTime(inv.created_at)} · expires {formatTime(inv.expires_at)}
                  </span>
                </span>
                <Button size="sm" variant="danger-outline" data-testid="invite-revoke" onClick={() => revoke.mutate({ room: roomId, id: inv.id })}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <p className="mt-2 text-sm text-rose-700">{errorMessage(error)}</p>}
    </Panel>
  );
}
