"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { EMPTY_DRAFT } from "../../_lib/beingDraft";
import { beingName } from "../../_lib/beingName";
import { useRefreshWorld } from "../../_lib/useRefreshWorld";
import { useTRPC } from "../../_trpc/client";
import { BeingFormFields } from "../being-form/BeingFormFields";
import { useDraftForm } from "../being-form/useDraftForm";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";

/** Creates a being from a form; every field is checked as it is typed. */
export function CreateBeingForm({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshWorld();
  const form = useDraftForm(EMPTY_DRAFT);
  const [created, setCreated] = useState<{ soul: string; name: string } | null>(null);
  const create = useMutation(
    trpc.beings.create.mutationOptions({
      onSuccess: async (being) => {
        setCreated({ soul: being.soul, name: beingName(being) });
        form.reset(EMPTY_DRAFT);
        await refresh();
      },
      onError: (error) => form.showServerErrors(error),
    }),
  );

  const invalid = !form.check.ok;
  return (
    <form
      data-testid="create-being-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!form.check.ok || create.isPending) return;
        setCreated(null);
        create.mutate(form.check.values);
      }}
      className="space-y-4"
    >
      <BeingFormFields idPrefix="create" draft={form.draft} errors={form.errors} visible={form.visible} onChange={form.change} disabled={create.isPending} />

      {create.isError && <ErrorBox error={create.error} title="The being was not created" testId="create-being-error" />}
      {created && !create.isError && (
        <div
          role="status"
          data-testid="create-being-success"
          className="flex flex-wrap items-center gap-2 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200 ring-inset"
        >
          <span>
            Created <strong>{created.name}</strong>.
          </span>
          <Link href={`/beings/${created.soul}`} className="font-medium underline" data-testid="create-being-open">
            Open it →
          </Link>
        </div>
      )}

      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-4">
        {invalid && form.draft.name.trim() === "" && <span className="mr-auto text-xs text-slate-500">Give the being a name to create it.</span>}
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
        <Button type="submit" variant="primary" disabled={invalid || create.isPending} data-testid="create-being-submit">
          {create.isPending && <Spinner className="size-3.5" label="Creating" />}
          Create being
        </Button>
      </div>
    </form>
  );
}
