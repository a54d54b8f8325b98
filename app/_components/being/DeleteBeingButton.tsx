"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Being } from "../../../lib/schemas";
import { MAX_PAGE_SIZE } from "../../../lib/constants";
import { beingName } from "../../_lib/beingName";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";

/** How many relationships go with the being: both directions, a self-loop counted once. */
function useRelationshipCount(soul: string, enabled: boolean) {
  const trpc = useTRPC();
  const out = useQuery({ ...trpc.relationships.list.queryOptions({ source_soul: soul, limit: MAX_PAGE_SIZE }), enabled });
  const into = useQuery({ ...trpc.relationships.list.queryOptions({ target_soul: soul, limit: MAX_PAGE_SIZE }), enabled });
  if (!out.data || !into.data) return { loading: out.isPending || into.isPending, count: undefined, more: false };
  const ids = new Set([...out.data.items, ...into.data.items].map((r) => r.id));
  return { loading: false, count: ids.size, more: out.data.next_cursor !== null || into.data.next_cursor !== null };
}

/** Delete with a confirmation that says how many relationships go with the being. */
export function DeleteBeingButton({ being, onDeleted }: { being: Being; onDeleted: (result: { relationships_deleted: number }) => void }) {
  const trpc = useTRPC();
  const [asking, setAsking] = useState(false);
  const rels = useRelationshipCount(being.soul, asking);
  const remove = useMutation(trpc.beings.delete.mutationOptions({ onSuccess: (result) => onDeleted(result) }));
  const name = beingName(being);

  return (
    <>
      <Button variant="danger-outline" onClick={() => setAsking(true)} data-testid="delete-being">
        Delete
      </Button>
      {asking && (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmLabel="Delete forever"
          busy={remove.isPending}
          testId="delete-being-dialog"
          onCancel={() => {
            setAsking(false);
            remove.reset();
          }}
          onConfirm={() => remove.mutate({ soul: being.soul })}
        >
          <p data-testid="delete-being-impact">
            {rels.loading ? (
              <span className="inline-flex items-center gap-2">
                <Spinner className="size-3" /> Counting its relationships…
              </span>
            ) : rels.count === undefined ? (
              "Every relationship that touches it will be deleted with it."
            ) : rels.count === 0 ? (
              "It has no relationships. This cannot be undone."
            ) : (
              <>
                Its <strong>{rels.more ? `${rels.count}+` : rels.count}</strong> {rels.count === 1 ? "relationship goes" : "relationships go"} with it. This
                cannot be undone.
              </>
            )}
          </p>
          {remove.isError && (
            <div className="mt-3">
              <ErrorBox error={remove.error} title="Not deleted" testId="delete-being-error" />
            </div>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
