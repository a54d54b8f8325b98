"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { CopyButton } from "../ui/CopyButton";
import { Panel } from "../ui/Panel";

/** Mints an invite link for a role and shows it to copy. */
export function InvitePanel({ roomId }: { roomId: string }) {
  const trpc = useTRPC();
  const [role, setRole] = useState<"editor" | "viewer">("editor");
  const invite = useMutation(trpc.rooms.invite.mutationOptions());
  const link = invite.data ? `${location.origin}${invite.data.link}` : null;
  return (
    <Panel title="Invite" description="A signed link that opens this room only, until it expires (7 days)." testId="invite-panel">
      <div className="flex flex-wrap items-center gap-2">
        <div className="flex rounded-lg ring-1 ring-slate-300" role="radiogroup" aria-label="Role">
          {(["editor", "viewer"] as const).map((r) => (
            <button
              key={r}
              type="button"
              role="radio"
              aria-checked={role === r}
              data-testid={`invite-role-${r}`}
              onClick={() => setRole(r)}
              className={`px-3 py-1.5 text-xs font-medium first:rounded-l-lg last:rounded-r-lg ${role === r ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-50"}`}
            >
              {r === "editor" ? "Can edit" : "View only"}
            </button>
          ))}
        </div>
        <Button size="sm" variant="primary" data-testid="invite-create" disabled={invite.isPending} onClick={() => invite.mutate({ room: roomId, role })}>
          Make link
        </Button>
      </div>
      {invite.error && <p className="mt-2 text-xs text-rose-700">{errorMessage(invite.error)}</p>}
      {link && invite.data && (
        <div className="mt-3 rounded-lg bg-slate-50 p-2">
          <div className="flex items-center justify-between gap-2">
            <span className="text-xs font-medium text-slate-600">
              {invite.data.role} link · expires {new Date(invite.data.expires_at).toLocaleDateString()}
            </span>
            <CopyButton text={link} label="Copy link" />
          </div>
          <input
            readOnly
            value={link}
            data-testid="invite-link"
            data-role={invite.data.role}
            className="mt-1 w-full truncate rounded border-0 bg-transparent text-xs text-slate-500"
            onFocus={(e) => e.target.select()}
          />
        </div>
      )}
    </Panel>
  );
}
