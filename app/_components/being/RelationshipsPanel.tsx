"use client";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { Panel } from "../ui/Panel";
import { AddRelationshipForm } from "./AddRelationshipForm";
import { RelationshipList } from "./RelationshipList";

/** Relationships out of and into a being, with a form to add one. */
export function RelationshipsPanel({ soul, name, readOnly = false }: { soul: string; name: string; readOnly?: boolean }) {
  const trpc = useTRPC();
  const [adding, setAdding] = useState(false);
  // NOTE: the direct neighbours carry the names of the other ends, so rows need no lookup of their own
  // (the same query feeds the graph at depth 1).
  const hood = useQuery(trpc.relationships.neighbors.queryOptions({ soul, depth: 1, direction: "both" }));
  const names = useMemo(() => new Map((hood.data?.nodes ?? []).map((n) => [n.soul, n.name])), [hood.data]);

  return (
    <Panel
      title="Relationships"
      description={readOnly ? "Edges that start or end here; manage them from the other being’s page" : "Edges of the world graph that start or end here"}
      actions={
        !adding &&
        !readOnly && (
          <Button size="sm" variant="primary" onClick={() => setAdding(true)} data-testid="add-relationship">
            <span aria-hidden>+</span> Add relationship
          </Button>
        )
      }
      bodyClassName=""
      testId="relationships-panel"
    >
      {adding && (
        <div className="border-b border-slate-100 bg-slate-50/60 p-4 sm:p-5">
          <AddRelationshipForm soul={soul} name={name} onDone={() => setAdding(false)} />
        </div>
      )}
      <div className="grid divide-y divide-slate-100 lg:grid-cols-2 lg:divide-x lg:divide-y-0">
        <RelationshipList soul={soul} direction="out" names={names} readOnly={readOnly} />
        <RelationshipList soul={soul} direction="in" names={names} readOnly={readOnly} />
      </div>
    </Panel>
  );
}
