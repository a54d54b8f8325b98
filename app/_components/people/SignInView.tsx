"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { Panel } from "../ui/Panel";
import { passkeyProblem, signWithPasskey } from "./passkeyCeremony";
import { useMe } from "./useMe";

/** Where to go after signing in: a path on this site only. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** /signin: one button, the browser offers the passkeys it holds for this server. */
export function SignInView({ next }: { next: string | null }) {
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setProblem(null);
    try {
      const options = await client.auth.signInOptions.mutate();
      const response = await signWithPasskey(options).catch((error: unknown) => {
        throw new Error(passkeyProblem(error));
      });
      await client.auth.signIn.mutate({ response: response as never });
      await queryClient.invalidateQueries();
      router.push(safeNext(next));
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  const local = me.data?.mode === "local";
  return (
    <div className="mx-auto max-w-md pt-6">
      <Panel
        title="Sign in to LuxOS"
        description="With the passkey you made when you joined: your device asks for your fingerprint, face or PIN."
        testId="signin-panel"
      >
        {local ? (
          <p className="text-sm text-slate-600">
            This server runs in local mode: you are its owner and need no sign-in.{" "}
            <Link href="/" className="text-indigo-700 underline">
              Go home
            </Link>
            .
          </p>
        ) : (
          <>
            {me.data?.person && (
              <p className="mb-3 text-sm text-slate-600" data-testid="signin-already">
                You are signed in as <span className="font-medium">{me.data.person.name}</span>. Signing in again starts a new session.
              </p>
            )}
            <Button variant="primary" className="w-full" data-testid="signin-passkey" disabled={busy} onClick={() => void signIn()}>
              {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
            </Button>
            {problem && (
              <p role="alert" data-testid="signin-problem" className="mt-3 text-sm text-rose-700">
                {problem}
              </p>
            )}
            <p className="mt-4 text-xs text-slate-500">New here? Open the invite link a room&apos;s owner sent you to make your passkey.</p>
          </>
        )}
      </Panel>
    </div>
  );
}
