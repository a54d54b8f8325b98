"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { formatTime } from "../../_lib/formatTime";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { FormField, inputClass } from "../ui/FormField";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { Avatar } from "./Avatar";
import { createPasskey, passkeyProblem } from "./passkeyCeremony";
import { useMe } from "./useMe";

const COLOURS = ["#0ea5e9", "#8b5cf6", "#f97316", "#10b981", "#e11d48", "#eab308", "#14b8a6", "#6366f1"] as const;

/** /account: who I am here (name, colour) and, on a team server, my passkeys (add one, revoke one). */
export function AccountView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const me = useMe();
  const person = me.data?.person ?? null;
  const required = me.data?.mode === "required";
  const [name, setName] = useState("");
  useEffect(() => setName(person?.name ?? ""), [person?.name]);
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
  const update = useMutation(trpc.auth.updateMe.mutationOptions({ onSuccess: refreshMe }));
  const passkeys = useQuery({ ...trpc.auth.passkeys.queryOptions(), enabled: required && person !== null });
  const refreshKeys = () => queryClient.invalidateQueries({ queryKey: trpc.auth.passkeys.queryKey() });
  const revoke = useMutation(trpc.auth.revokePasskey.mutationOptions({ onSuccess: refreshKeys }));
  const [adding, setAdding] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function addPasskey() {
    setAdding(true);
    setProblem(null);
    try {
      const options = await client.auth.addPasskeyOptions.mutate();
      const response = await createPasskey(options).catch((error: unknown) => {
        throw new Error(passkeyProblem(error));
      });
      await client.auth.addPasskey.mutate({ response: response as never });
      await refreshKeys();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setAdding(false);
    }
  }

  if (!person) return <PageHeader title="You" description={me.isLoading ? "Loading…" : "Sign in to see your account."} />;
  return (
    <>
      <PageHeader title="You" description={person.server_owner ? "Owner of this server" : "A member of this server's rooms"} />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Panel title="How others see you" testId="account-profile">
          <form
            className="grid gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              update.mutate({ name });
            }}
          >
            <div className="flex items-center gap-3">
              <Avatar name={name || person.name} colour={person.colour} />
              <FormField label="Name" htmlFor="account-name" className="flex-1">
                <input
                  id="account-name"
                  data-testid="account-name"
                  className={inputClass}
                  value={name}
                  maxLength={200}
                  onChange={(e) => setName(e.target.value)}
                />
              </FormField>
              <Button type="submit" size="sm" className="mt-5" disabled={update.isPending || name.trim() === "" || name === person.name}>
                Save
              </Button>
            </div>
            <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Colour">
              {COLOURS.map((c) => (
                <button
                  key={c}
                  type="button"
                  role="radio"
                  aria-checked={person.colour === c}
                  aria-label={c}
                  onClick={() => update.mutate({ colour: c })}
                  style={{ backgroundColor: c }}
                  className={`size-7 rounded-full ring-offset-2 ${person.colour === c ? "ring-2 ring-slate-900" : "hover:ring-2 hover:ring-slate-300"}`}
                />
              ))}
            </div>
            {update.error && <p className="text-sm text-rose-700">{errorMessage(update.error)}</p>}
          </form>
        </Panel>
        {required && (
          <Panel
            title="Passkeys"
            description="Each device you sign in with. Keep two, so losing one device does not lock you out."
            testId="account-passkeys"
            actions={
              <Button size="sm" variant="primary" data-testid="passkey-add" disabled={adding} onClick={() => void addPasskey()}>
                {adding ? "Waiting…" : "Add a passkey"}
              </Button>
            }
          >
            <ul className="divide-y divide-slate-100">
              {passkeys.data?.items.map((key) => (
                <li key={key.id} data-testid="passkey" data-id={key.id} className="flex items-center justify-between gap-3 py-2.5">
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium text-slate-800">{key.label}</p>
                    <p className="text-xs text-slate-500">
                      added {formatTime(key.created_at)}
                      {key.last_used_at ? ` · last used ${formatTime(key.last_used_at)}` : ""}
                    </p>
                  </div>
                  <Button
                    size="sm"
                    variant="danger-outline"
                    data-testid="passkey-revoke"
                    disabled={revoke.isPending || (passkeys.data?.items.length ?? 0) < 2}
                    title={(passkeys.data?.items.length ?? 0) < 2 ? "Your only passkey stays: add another one first" : undefined}
                    onClick={() => revoke.mutate({ id: key.id })}
                  >
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
            {(problem ?? revoke.error) && <p className="mt-2 text-sm text-rose-700">{problem ?? errorMessage(revoke.error)}</p>}
          </Panel>
        )}
      </div>
    </>
  );
}
