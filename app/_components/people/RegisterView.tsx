"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Panel } from "../ui/Panel";
import { RegisterForm } from "./RegisterForm";

/** /register?setup=…: the first person of a team server makes the owner's passkey with the link the server printed. */
export function RegisterView({ setup }: { setup: string | null }) {
  const router = useRouter();
  return (
    <div className="mx-auto max-w-md pt-6">
      <Panel title="Set up this LuxOS server" description="You become its owner: you can invite people to rooms and give them roles." testId="register-panel">
        {setup ? (
          <RegisterForm setup={setup} onDone={() => router.push("/")} />
        ) : (
          <p className="text-sm text-slate-600">
            Registering needs an invite link from a room&apos;s owner (or, for the very first person, the setup link the server printed when it started).
            Already registered?{" "}
            <Link href="/signin" className="text-indigo-700 underline">
              Sign in
            </Link>
            .
          </p>
        )}
      </Panel>
    </div>
  );
}
