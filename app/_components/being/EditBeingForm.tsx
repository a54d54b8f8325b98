"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Being } from "../../../lib/schemas";
import { draftFromBeing } from "../../_lib/beingDraft";
import { beingPatch } from "../../_lib/beingPatch";
import { useRefreshWorld } from "../../_lib/useRefreshWorld";
import { useTRPC } from "../../_trpc/client";
import { BeingFormFields } from "../being-form/BeingFormFields";
import { useDraftForm } from "../being-form/useDraftForm";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";

/** Edits a being in place; sends only what changed, JSON documents as merge patches. */
export function EditBeingForm({ being, onDone }: { being: Being; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshWorld();
  const form = useDraftForm(draftFromBeing(being));
  const patch = useMemo(() => (form.check.ok ? beingPatch(being, form.check.values) : undefined), [being, form.check]);
  const update = useMutation(
    trpc.beings.update.mutationOptions({
      onSuccess: async (saved) => {
        queryClient.setQueryData(trpc.beings.get.queryKey({ soul: saved.soul }), saved);
        onDone();
        await refresh();
      },
      onError: (error) => form.showServerErrors(error),
    }),
  );

  const nothingChanged = patch !== undefined && patch.changed.length === 0;
  return (
    <form
      data-testid="edit-being-form"
      noValidate
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (patch && !nothingChanged && !update.isPending) update.mutate(patch.input);
      }}
    >
      <BeingFormFields idPrefix="edit" draft={form.draft} errors={form.errors} visible={form.visible} onChange={form.change} disabled={update.isPending} />
      {patch?.dropsNulls && (
        <p className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800 ring-1 ring-amber-200 ring-inset">
          Changes are sent as a JSON Merge Patch, where <code>null</code> means “remove this key”: keys set to null will be removed, not stored.
        </p>
      )}
      {update.isError && <ErrorBox error={update.error} title="Nothing was saved" testId="edit-being-error" />}
      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-4">
        <span className="mr-auto text-xs text-slate-500" data-testid="edit-being-changes">
          {!patch ? "Fix the fields marked in red to save." : nothingChanged ? "No changes yet." : `Will change: ${patch.changed.join(", ")}`}
        </span>
        <Button variant="ghost" onClick={onDone} disabled={update.isPending} data-testid="edit-being-cancel">
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={!patch || nothingChanged || update.isPending} data-testid="edit-being-save">
          {update.isPending && <Spinner className="size-3.5" label="Saving" />}
          Save changes
        </Button>
      </div>
    </form>
  );
}
