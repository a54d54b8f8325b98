"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { Relationship } from "../../../lib/schemas";
import { errorMessage } from "../../_lib/errorMessage";
import { formatAge, formatTime } from "../../_lib/formatTime";
import { useRefreshWorld } from "../../_lib/useRefreshWorld";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { EnergyPill } from "../ui/EnergyPill";
import { Spinner } from "../ui/Spinner";
import { TagChips } from "../ui/TagChips";
import { BeingLink } from "./BeingLink";

/** One relationship seen from `soul`: the other end, tags, energy, and delete (asked twice). */
export function RelationshipRow({
  relationship,
  direction,
  otherName,
  readOnly,
}: {
  relationship: Relationship;
  direction: "out" | "in";
  otherName: string | undefined;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshWorld();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(trpc.relationships.delete.mutationOptions({ onSuccess: () => refresh() }));
  const other = direction === "out" ? relationship.target_soul : relationship.source_soul;

  return (
    <li
      data-testid="relationship-row"
      data-direction={direction}
      data-id={relationship.id}
      className="flex flex-wrap items-center gap-x-3 gap-y-1.5 px-4 py-2.5 text-sm"
    >
      <div className="flex min-w-[8rem] flex-1 items-center gap-2">
        <span aria-hidden className="text-slate-400">
          {direction === "out" ? "→" : "←"}
        </span>
        <BeingLink soul={other} name={otherName} testId="relationship-other" />
        {relationship.source_soul === relationship.target_soul && <span className="text-xs text-slate-400">(itself)</span>}
      </div>
      <TagChips tags={relationship.tags} max={3} empty="" />
      <EnergyPill energy={relationship.energy_level} />
      <span className="w-16 text-right text-xs text-slate-400" title={formatTime(relationship.created_at)}>
        {formatAge(relationship.created_at)}
      </span>
      {readOnly ? null : confirming ? (
        <span className="flex items-center gap-1">
          <Button
            size="sm"
            variant="danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ id: relationship.id })}
            data-testid="relationship-delete-confirm"
          >
            {remove.isPending && <Spinner className="size-3" />}
            Delete
          </Button>
          <Button size="sm" variant="ghost" disabled={remove.isPending} onClick={() => setConfirming(false)}>
            Keep
          </Button>
        </span>
      ) : (
        <button
          type="button"
          onClick={() => setConfirming(true)}
          data-testid="relationship-delete"
          aria-label="Delete relationship"
          title="Delete relationship"
          className="rounded-md p-1.5 text-slate-300 transition-colors hover:bg-rose-50 hover:text-rose-600"
        >
          <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="size-4">
            <path
              fillRule="evenodd"
              d="M8.75 1A2.75 2.75 0 0 0 6 3.75v.44c-.8.08-1.57.18-2.34.32a.75.75 0 1 0 .26 1.48l.15-.03.84 10.52A2.75 2.75 0 0 0 7.65 19h4.7a2.75 2.75 0 0 0 2.74-2.52l.84-10.52.15.03a.75.75 0 0 0 .26-1.48A41 41 0 0 0 14 4.2v-.45A2.75 2.75 0 0 0 11.25 1h-2.5ZM10 4c.84 0 1.67.03 2.5.08v-.33c0-.69-.56-1.25-1.25-1.25h-2.5c-.69 0-1.25.56-1.25 1.25v.33C8.33 4.03 9.16 4 10 4ZM8.58 7.72a.75.75 0 0 0-1.5.06l.3 7.5a.75.75 0 1 0 1.5-.06l-.3-7.5Zm4.34.06a.75.75 0 1 0-1.5-.06l-.3 7.5a.75.75 0 1 0 1.5.06l.3-7.5Z"
              clipRule="evenodd"
            />
          </svg>
        </button>
      )}
      {remove.isError && (
        <p className="w-full text-xs text-rose-600" role="alert">
          {errorMessage(remove.error)}
        </p>
      )}
    </li>
  );
}
