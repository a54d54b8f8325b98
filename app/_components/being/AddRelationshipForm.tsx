"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { parseEnergy, parseTags } from "../../_lib/beingDraft";
import { useRefreshWorld } from "../../_lib/useRefreshWorld";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { FormField, inputClass } from "../ui/FormField";
import { Spinner } from "../ui/Spinner";
import { BeingPicker, type PickedBeing } from "./BeingPicker";

/** Links this being to another, in either direction. */
export function AddRelationshipForm({ soul, name, onDone }: { soul: string; name: string; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshWorld();
  const [direction, setDirection] = useState<"out" | "in">("out");
  const [other, setOther] = useState<PickedBeing | null>(null);
  const [tagsText, setTagsText] = useState("");
  const [energyText, setEnergyText] = useState("0");
  const tags = parseTags(tagsText);
  const energy = parseEnergy(energyText, 0);
  const create = useMutation(
    trpc.relationships.create.mutationOptions({
      onSuccess: async () => {
        setOther(null);
        setTagsText("");
        setEnergyText("0");
        await refresh();
        onDone();
      },
    }),
  );
  const ready = other !== null && tags.ok && energy.ok && !create.isPending;

  return (
    <form
      data-testid="add-relationship-form"
      noValidate
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready || !other || !tags.ok || !energy.ok) return;
        const [source_soul, target_soul] = direction === "out" ? [soul, other.soul] : [other.soul, soul];
        create.mutate({ source_soul, target_soul, tags: tags.tags, energy_level: energy.value ?? 0 });
      }}
    >
      <div className="grid gap-3 md:grid-cols-12">
        <div className="md:col-span-4">
          <span className="mb-1 block text-xs font-medium text-slate-700">Direction</span>
          <div role="radiogroup" aria-label="Direction" className="grid grid-cols-2 rounded-lg bg-slate-100 p-0.5 text-xs font-medium">
            {(["out", "in"] as const).map((d) => (
              <button
                key={d}
                type="button"
                role="radio"
                aria-checked={direction === d}
                data-testid={`rel-direction-${d}`}
                onClick={() => setDirection(d)}
                className={`truncate rounded-md px-2 py-1.5 ${direction === d ? "bg-white text-slate-900 shadow-sm" : "text-slate-500 hover:text-slate-800"}`}
              >
                {d === "out" ? "Outgoing →" : "← Incoming"}
              </button>
            ))}
          </div>
        </div>
        <FormField label={direction === "out" ? `${name} → target` : `Source → ${name}`} htmlFor="rel-target" className="md:col-span-8">
          <BeingPicker id="rel-target" value={other} onChange={setOther} disabled={create.isPending} />
        </FormField>
        <FormField label="Tags" htmlFor="rel-tags" error={tags.ok ? undefined : tags.message} hint="e.g. knows, parent_of" className="md:col-span-8">
          <input
            id="rel-tags"
            data-testid="rel-tags"
            value={tagsText}
            placeholder="knows"
            onChange={(e) => setTagsText(e.target.value)}
            aria-invalid={!tags.ok || undefined}
            className={inputClass}
          />
        </FormField>
        <FormField label="Energy" htmlFor="rel-energy" error={energy.ok ? undefined : energy.message} className="md:col-span-4">
          <input
            id="rel-energy"
            data-testid="rel-energy"
            inputMode="numeric"
            value={energyText}
            onChange={(e) => setEnergyText(e.target.value)}
            aria-invalid={!energy.ok || undefined}
            className={inputClass}
          />
        </FormField>
      </div>
      {create.isError && <ErrorBox error={create.error} title="The relationship was not added" testId="rel-error" />}
      <div className="flex items-center justify-end gap-2">
        {!other && <span className="mr-auto text-xs text-slate-500">Pick the other being first.</span>}
        <Button variant="ghost" onClick={onDone} disabled={create.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={!ready} data-testid="rel-submit">
          {create.isPending && <Spinner className="size-3.5" label="Adding" />}
          Add relationship
        </Button>
      </div>
    </form>
  );
}
