"use client";
import { keepPreviousData, skipToken, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { soulSchema } from "../../../lib/ids";
import { beingName, beingType } from "../../_lib/beingName";
import { errorCode, retryUnlessClientError } from "../../_lib/errorMessage";
import { useDebounced } from "../../_lib/useDebounced";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Spinner } from "../ui/Spinner";

export interface PickedBeing {
  soul: string;
  name: string;
}

/** How many name matches the picker offers. */
const MATCHES = 8;

/** Picks a being by searching its name, or by pasting its soul. */
export function BeingPicker({
  id,
  value,
  onChange,
  disabled,
}: {
  id: string;
  value: PickedBeing | null;
  onChange: (picked: PickedBeing | null) => void;
  disabled?: boolean;
}) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const query = useDebounced(text.trim(), 200);
  const soul = soulSchema.safeParse(query);
  const bySoul = useQuery({ ...trpc.beings.get.queryOptions(soul.success ? { soul: soul.data } : skipToken), retry: retryUnlessClientError });
  const byName = useQuery({
    ...trpc.beings.list.queryOptions(!soul.success && query ? { name: query, limit: MATCHES } : skipToken),
    placeholderData: keepPreviousData,
  });

  if (value) {
    return (
      <div className="flex items-center gap-2 rounded-lg bg-indigo-50 px-3 py-1.5 ring-1 ring-indigo-200 ring-inset" data-testid="rel-target-selected">
        <span className="min-w-0 flex-1 truncate text-sm font-medium text-indigo-900">{value.name}</span>
        <code className="hidden font-mono text-[11px] text-indigo-500 sm:inline">{value.soul.slice(0, 8)}</code>
        <Button size="sm" variant="ghost" disabled={disabled} onClick={() => onChange(null)} data-testid="rel-target-change">
          Change
        </Button>
      </div>
    );
  }

  const options = soul.success ? (bySoul.data ? [bySoul.data] : []) : query ? (byName.data?.items ?? []) : [];
  const loading = soul.success ? bySoul.isFetching : Boolean(query) && byName.isFetching;
  const pick = (o: (typeof options)[number]) => {
    onChange({ soul: o.soul, name: beingName(o) });
    setText("");
  };

  return (
    <div className="relative">
      <input
        id={id}
        data-testid="rel-target-input"
        value={text}
        disabled={disabled}
        autoComplete="off"
        placeholder="Search a name or paste a soul…"
        role="combobox"
        aria-expanded={options.length > 0}
        aria-controls={`${id}-options`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && options[0]) {
            e.preventDefault();
            pick(options[0]);
          }
        }}
        className={`${inputClass} pr-8`}
      />
      {loading && <Spinner className="absolute top-2.5 right-2.5 size-4 text-slate-400" label="Searching" />}
      {query && !loading && (
        <div
          id={`${id}-options`}
          role="listbox"
          className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-lg bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
        >
          {options.map((o) => (
            <button
              key={o.soul}
              type="button"
              role="option"
              aria-selected={false}
              data-testid="rel-target-option"
              onClick={() => pick(o)}
              className="flex w-full items-center gap-2 px-3 py-2 text-left hover:bg-indigo-50"
            >
              <span className="min-w-0 flex-1 truncate font-medium text-slate-800">{beingName(o)}</span>
              {beingType(o) && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">{beingType(o)}</span>}
              <code className="font-mono text-[11px] text-slate-400">{o.soul.slice(0, 8)}</code>
            </button>
          ))}
          {options.length === 0 && (
            <p className="px-3 py-2 text-slate-500" data-testid="rel-target-none">
              {soul.success && errorCode(bySoul.error) === "NOT_FOUND"
                ? "No being has this soul."
                : bySoul.isError || byName.isError
                  ? "The search failed; try again."
                  : `No being is named like “${query}”.`}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
