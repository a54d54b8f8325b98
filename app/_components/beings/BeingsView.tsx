"use client";
import { useMemo, useState } from "react";
import { countFilters, EMPTY_FILTER, parseFilter } from "../../_lib/beingFilter";
import { useDebounced } from "../../_lib/useDebounced";
import { Button } from "../ui/Button";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { BeingFilters } from "./BeingFilters";
import { BeingsTable } from "./BeingsTable";
import { CreateBeingForm } from "./CreateBeingForm";

/** Typing settles for this long before the list is asked again. */
const FILTER_DEBOUNCE_MS = 250;

/** The /beings page: create form, filters and the table. */
export function BeingsView() {
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState(EMPTY_FILTER);
  const live = useMemo(() => parseFilter(draft), [draft]);
  const settled = useDebounced(live.filter, FILTER_DEBOUNCE_MS);
  const active = countFilters(settled);

  return (
    <>
      <PageHeader
        title="Beings"
        description="Every agent, function, fact and room the master knows, newest first."
        actions={
          !creating && (
            <Button variant="primary" onClick={() => setCreating(true)} data-testid="new-being">
              <span aria-hidden>+</span> New being
            </Button>
          )
        }
      />
      <div className="space-y-4">
        {creating && (
          <Panel title="New being" description="Only the name is required. JSON fields are checked as you type." testId="create-being-panel">
            <CreateBeingForm onClose={() => setCreating(false)} />
          </Panel>
        )}
        <Panel bodyClassName="p-0">
          <div className="border-b border-slate-100 p-4 sm:p-5">
            <BeingFilters draft={draft} errors={live.errors} onChange={setDraft} />
          </div>
          <BeingsTable filter={settled} filtered={active > 0} onCreate={() => setCreating(true)} />
        </Panel>
      </div>
    </>
  );
}
