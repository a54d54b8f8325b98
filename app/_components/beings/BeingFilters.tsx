"use client";
import { useState } from "react";
import { EMPTY_FILTER, FILTER_DOCS, type FilterDraft, type FilterField } from "../../_lib/beingFilter";
import { Button } from "../ui/Button";
import { FormField, inputClass } from "../ui/FormField";

/** The filter bar over the beings table: name, tags (any/all), energy range, and a JSON containment box. */
export function BeingFilters({
  draft,
  errors,
  onChange,
}: {
  draft: FilterDraft;
  errors: Partial<Record<FilterField, string>>;
  onChange: (draft: FilterDraft) => void;
}) {
  const [showJson, setShowJson] = useState(draft.contains !== "");
  const set = <K extends keyof FilterDraft>(key: K, value: FilterDraft[K]) => onChange({ ...draft, [key]: value });
  const dirty = JSON.stringify(draft) !== JSON.stringify(EMPTY_FILTER);

  return (
    <div className="space-y-3" data-testid="being-filters">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-12">
        <FormField label="Name" htmlFor="filter-name" className="col-span-2 md:col-span-4">
          <div className="relative">
            <svg
              viewBox="0 0 20 20"
              fill="currentColor"
              aria-hidden
              className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400"
            >
              <path
                fillRule="evenodd"
                d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.08 3.08a.75.75 0 1 1-1.06 1.06l-3.08-3.08A7 7 0 0 1 2 9Z"
                clipRule="evenodd"
              />
            </svg>
            <input
              id="filter-name"
              type="search"
              data-testid="filter-name"
              placeholder="Search by name…"
              value={draft.name}
              onChange={(e) => set("name", e.target.value)}
              className={`${inputClass} pl-8`}
            />
          </div>
        </FormField>
        <FormField label="Tags" htmlFor="filter-tags" error={errors.tags} errorTestId="filter-tags-error" className="col-span-2 md:col-span-4">
          <div className="flex gap-2">
            <input
              id="filter-tags"
              data-testid="filter-tags"
              placeholder="agent, research"
              value={draft.tags}
              aria-invalid={errors.tags ? true : undefined}
              onChange={(e) => set("tags", e.target.value)}
              className={inputClass}
            />
            <div role="radiogroup" aria-label="Tag match" className="inline-flex shrink-0 rounded-lg bg-slate-100 p-0.5 text-xs font-medium">
              {(["any", "all"] as const).map((mode) => (
                <button
                  key={mode}
                  type="button"
                  role="radio"
                  aria-checked={draft.tagMode === mode}
                  data-testid={`filter-tags-${mode}`}
                  onClick={() => set("tagMode", mode)}
                  className={`rounded-md px-2.5 ${draft.tagMode === mode ? "bg-white text-slate-900 shadow-sm" : "text-slate-500 hover:text-slate-800"}`}
                >
                  {mode}
                </button>
              ))}
            </div>
          </div>
        </FormField>
        <FormField label="Energy min" htmlFor="filter-energy-min" error={errors.energyMin} errorTestId="filter-energy-min-error" className="md:col-span-2">
          <input
            id="filter-energy-min"
            inputMode="numeric"
            data-testid="filter-energy-min"
            placeholder="any"
            value={draft.energyMin}
            aria-invalid={errors.energyMin ? true : undefined}
            onChange={(e) => set("energyMin", e.target.value)}
            className={inputClass}
          />
        </FormField>
        <FormField label="Energy max" htmlFor="filter-energy-max" error={errors.energyMax} errorTestId="filter-energy-max-error" className="md:col-span-2">
          <input
            id="filter-energy-max"
            inputMode="numeric"
            data-testid="filter-energy-max"
            placeholder="any"
            value={draft.energyMax}
            aria-invalid={errors.energyMax ? true : undefined}
            onChange={(e) => set("energyMax", e.target.value)}
            className={inputClass}
          />
        </FormField>
      </div>

      {showJson && (
        <div className="grid gap-3 md:grid-cols-12">
          <FormField label="Look in" htmlFor="filter-doc" className="md:col-span-3">
            <select
              id="filter-doc"
              data-testid="filter-doc"
              value={draft.doc}
              onChange={(e) => set("doc", e.target.value as FilterDraft["doc"])}
              className={inputClass}
            >
              {FILTER_DOCS.map((doc) => (
                <option key={doc} value={doc}>
                  {doc}
                </option>
              ))}
            </select>
          </FormField>
          <FormField
            label={`${draft.doc} contains`}
            htmlFor="filter-contains"
            hint='JSONB containment: beings whose document includes this JSON, e.g. {"role": "scout"}'
            error={errors.contains}
            errorTestId="filter-contains-error"
            className="md:col-span-9"
          >
            <textarea
              id="filter-contains"
              data-testid="filter-contains"
              rows={2}
              spellCheck={false}
              placeholder='{"role": "scout"}'
              value={draft.contains}
              aria-invalid={errors.contains ? true : undefined}
              onChange={(e) => set("contains", e.target.value)}
              className={`${inputClass} resize-y font-mono text-xs`}
            />
          </FormField>
        </div>
      )}

      <div className="flex flex-wrap items-center gap-2">
        <Button variant="ghost" size="sm" onClick={() => setShowJson((v) => !v)} data-testid="filter-json-toggle" aria-expanded={showJson}>
          {showJson ? "Hide JSON filter" : "JSON filter…"}
        </Button>
        {dirty && (
          <Button
            variant="ghost"
            size="sm"
            data-testid="filter-clear"
            onClick={() => {
              onChange(EMPTY_FILTER);
              setShowJson(false);
            }}
          >
            Clear filters
          </Button>
        )}
      </div>
    </div>
  );
}
