"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { FormField, inputClass } from "../ui/FormField";
import { createPasskey, passkeyProblem } from "./passkeyCeremony";

/** A name and a new passkey: registers with an invite token or the server's one-time setup token, then signs in. */
export function RegisterForm({ invite, setup, onDone }: { invite?: string; setup?: string; onDone: () => void }) {
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function register(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const options = await client.auth.registerOptions.mutate({ name, ...(invite && { invite }), ...(setup && { setup }) });
      const response = await createPasskey(options).catch((error: unknown) => {
        throw new Error(passkeyProblem(error));
      });
      await client.auth.register.mutate({ response: response as never, label: "First passkey" });
      await queryClient.invalidateQueries();
      onDone();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void register(e)} className="grid gap-4" data-testid="register-form">
      <FormField label="Your name" htmlFor="register-name" hint="How others in your rooms see you; you can change it later.">
        <input
          id="register-name"
          data-testid="register-name"
          className={inputClass}
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
        />
      </FormField>
      <Button type="submit" variant="primary" data-testid="register-passkey" disabled={busy || name.trim() === ""}>
        {busy ? "Waiting for your passkey…" : "Create my passkey"}
      </Button>
      {problem && (
        <p role="alert" data-testid="register-problem" className="text-sm text-rose-700">
          {problem}
        </p>
      )}
      <p className="text-xs text-slate-500">
        Your device keeps the passkey (fingerprint, face or PIN); LuxOS only ever sees its public half. There is no password.
      </p>
    </form>
  );
}
