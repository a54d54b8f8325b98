"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Panel } from "../ui/Panel";
import { RegisterForm } from "./RegisterForm";
import { useMe } from "./useMe";

/** /invite/<token>: what the invite offers; join as the signed-in person, or make a passkey and join. */
export function InviteView({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useMe();
  const invite = useQuery({ ...trpc.auth.invite.queryOptions({ token }), retry: false });
  const accept = useMutation(trpc.rooms.acceptInvite.mutationOptions({ onSuccess: (joined) => router.push(`/rooms/${joined.room}`) }));
  const offer = invite.data?.ok ? invite.data : null;

  return (
    <div className="mx-auto max-w-md pt-6">
      <Panel
        title={offer ? `Join “${offer.room.name}”` : "Room invite"}
        description={
          offer
            ? `as ${offer.role === "viewer" ? "a viewer: you see everything live, but cannot change it" : "an editor: you can post, chat and add beings"}`
            : undefined
        }
        testId="invite-view"
      >
        {invite.error && <ErrorBox error={invite.error} />}
        {invite.data && !invite.data.ok && (
          <p role="alert" data-testid="invite-problem" className="text-sm text-rose-700">
            {invite.data.message}
          </p>
        )}
        {offer && me.data?.person && me.data.mode === "required" && (
          <div className="grid gap-3">
            <p className="text-sm text-slate-600">
              You are signed in as <span className="font-medium">{me.data.person.name}</span>.
            </p>
            <Button variant="primary" data-testid="invite-accept" disabled={accept.isPending} onClick={() => accept.mutate({ token })}>
              Join the room
            </Button>
            {accept.error && <p className="text-sm text-rose-700">{errorMessage(accept.error)}</p>}
          </div>
        )}
        {offer && me.data && !me.data.person && (
          <div className="grid gap-4">
            <RegisterForm invite={token} onDone={() => router.push(`/rooms/${offer.room.id}`)} />
            <p className="text-xs text-slate-500">
              Already have a passkey here?{" "}
              <Link href={`/signin?next=${encodeURIComponent(`/invite/${token}`)}`} className="text-indigo-700 underline" data-testid="invite-signin">
                Sign in first
              </Link>
              , then come back to this link.
            </p>
          </div>
        )}
        {offer && me.data?.mode === "local" && (
          <p className="text-sm text-slate-600">
            This server runs in local mode: everyone here is its owner.{" "}
            <Link href={`/rooms/${offer.room.id}`} className="text-indigo-700 underline">
              Open the room
            </Link>
            .
          </p>
        )}
      </Panel>
    </div>
  );
}
