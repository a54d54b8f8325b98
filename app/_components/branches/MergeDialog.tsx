"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import {
  beingDocumentSchema,
  relationshipDocumentSchema,
  type Branch,
  type RelationshipMergeItem,
  type RelationshipResolution,
  type Resolution,
} from "../../../lib/branches/schemas";
import type { Being, Relationship } from "../../../lib/schemas";
import { useTRPC } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { Spinner } from "../ui/Spinner";

type Choice = "ours" | "theirs" | "edit";

const docOf = (b: Being | null) =>
  b
    ? { tags: b.tags, energy_level: b.energy_level, genesis: b.genesis, attributes: b.attributes, memories: b.memories, self_awareness: b.self_awareness }
    : null;

/** One conflict: both versions side by side, and the person's choice. */
function ConflictCard({
  id,
  title,
  testId,
  ours,
  theirs,
  choice,
  edited,
  editError,
  onChoice,
  onEdit,
}: {
  id: string;
  title: string;
  testId: string;
  ours: object | null;
  theirs: object | null;
  choice: Choice | undefined;
  edited: string;
  editError: string | null;
  onChoice: (c: Choice) => void;
  onEdit: (t: string) => void;
}) {
  return (
    <li className="rounded-lg border border-rose-200 bg-rose-50/40 p-3" data-testid={`conflict-${testId}`}>
      <p className="text-sm font-semibold text-slate-900">
        {title} <span className="font-normal text-rose-700">· changed on both sides</span>
      </p>
      <div className="mt-2 grid gap-2 md:grid-cols-2">
        {(["ours", "theirs"] as const).map((side) => (
          <div key={side} className="min-w-0">
            <p className="mb-1 text-xs font-medium text-slate-600">{side === "ours" ? "Parent now (ours)" : "This branch (theirs)"}</p>
            <pre className="max-h-40 overflow-auto rounded bg-white p-2 text-[11px] leading-snug text-slate-800 ring-1 ring-slate-200">
              {JSON.stringify((side === "ours" ? ours : theirs) ?? "deleted", null, 2)}
            </pre>
          </div>
        ))}
      </div>
      <div className="mt-2 flex flex-wrap gap-4 text-sm">
        {(["ours", "theirs", "edit"] as const).map((c) => (
          <label key={c} className="flex items-center gap-1.5">
            <input type="radio" name={`resolve-${id}`} checked={choice === c} onChange={() => onChoice(c)} data-testid={`resolve-${testId}-${c}`} />
            {c === "ours" ? "Keep the parent's" : c === "theirs" ? "Take the branch's" : "Edit the result"}
          </label>
        ))}
      </div>
      {choice === "edit" && (
        <div className="mt-2">
          <textarea value={edited} onChange={(e) => onEdit(e.target.value)} rows={8} className="w-full rounded border border-slate-300 p-2 font-mono text-xs" />
          {editError && <p className="text-xs text-rose-700">{editError}</p>}
        </div>
      )}
    </li>
  );
}

const relDocOf = (r: Relationship | null) => (r ? { tags: r.tags, energy_level: r.energy_level, genesis: r.genesis, attributes: r.attributes } : null);
/** A relationship's ends in words: their names, or the start of the soul for an unnamed one. */
const endsOf = (r: RelationshipMergeItem) =>
  `${r.source_name === r.source_soul ? r.source_soul.slice(0, 8) : r.source_name} → ${r.target_name === r.target_soul ? r.target_soul.slice(0, 8) : r.target_name}`;

/** The choices for a list of conflicts, as resolutions; `blocked` while one is unsettled or its edit does not parse. */
function resolve<R>(
  keys: string[],
  choices: Record<string, Choice>,
  edits: Record<string, string>,
  parse: (text: string) => { ok: true; value: R } | { ok: false; error: string },
) {
  const resolutions: Record<string, R | "ours" | "theirs"> = {};
  let blocked = false;
  for (const key of keys) {
    const choice = choices[key];
    if (!choice) blocked = true;
    else if (choice === "edit") {
      const parsed = parse(edits[key] ?? "");
      if (parsed.ok) resolutions[key] = parsed.value;
      else blocked = true;
    } else resolutions[key] = choice;
  }
  return { resolutions, blocked };
}

function parseWith<T>(schema: z.ZodType<T>) {
  return (text: string): { ok: true; value: { edited: T } } | { ok: false; error: string } => {
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".") || "document"}: ${i.message}`).join("; ") };
      return { ok: true, value: { edited: parsed.data } };
    } catch (error) {
      return { ok: false, error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}
const parseBeing = parseWith(beingDocumentSchema);
const parseRelationship = parseWith(relationshipDocumentSchema);
const errorOf = (parsed: { ok: true } | { ok: false; error: string }) => (parsed.ok ? null : parsed.error);

/** Previews a merge into the parent, lists every change, makes the person resolve each conflict, then merges. */
export function MergeDialog({ branch, parentName, onDone, onCancel }: { branch: Branch; parentName: string; onDone: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preview = useQuery(trpc.branches.preview.queryOptions({ branch: branch.id }));
  const [mode, setMode] = useState<"deep" | "shallow">("deep");
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [edits, setEdits] = useState<Record<string, string>>({});
  const merge = useMutation(
    trpc.branches.merge.mutationOptions({
      onSuccess: async (result) => {
        if (result.status === "merged") {
          await queryClient.invalidateQueries();
          onDone();
        }
      },
    }),
  );
  const items = preview.data?.items ?? [];
  const taken = mode === "deep" ? items : items.filter((i) => picked.has(i.soul));
  const conflicts = taken.filter((i) => i.conflict);
  // NOTE: a shallow merge takes the relationship changes that touch a picked being (the server also skips any whose ends would be missing).
  const rels = preview.data?.relationships ?? [];
  const takenRels = mode === "deep" ? rels : rels.filter((r) => picked.has(r.source_soul) || picked.has(r.target_soul));
  const relConflicts = takenRels.filter((r) => r.conflict);
  const beingsResolved = resolve<Resolution>(
    conflicts.map((c) => c.soul),
    choices,
    edits,
    parseBeing,
  );
  const relsResolved = resolve<RelationshipResolution>(
    relConflicts.map((r) => r.id),
    choices,
    edits,
    parseRelationship,
  );
  const resolutions = beingsResolved.resolutions;
  const relationshipResolutions = relsResolved.resolutions;
  const blocked = beingsResolved.blocked || relsResolved.blocked;
  const changeCount = taken.length + takenRels.length;
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="merge-title"
      className="fixed inset-0 z-40 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4"
      data-testid="merge-dialog"
    >
      <div className="w-full max-w-3xl rounded-xl bg-white p-5 shadow-xl">
        <h2 id="merge-title" className="text-lg font-semibold text-slate-900">
          Merge “{branch.name}” into {parentName}
        </h2>
        {preview.isPending && <Spinner />}
        {preview.isError && <ErrorBox error={preview.error} onRetry={() => void preview.refetch()} />}
        {preview.data && (
          <div className="mt-3 space-y-4">
            <fieldset className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-1.5">
                <input type="radio" checked={mode === "deep"} onChange={() => setMode("deep")} /> Deep: every change ({items.length + rels.length})
              </label>
              <label className="flex items-center gap-1.5">
                <input type="radio" checked={mode === "shallow"} onChange={() => setMode("shallow")} data-testid="merge-shallow" /> Shallow: only the outputs I
                pick
              </label>
            </fieldset>
            <ul className="max-h-56 divide-y divide-slate-100 overflow-y-auto rounded-lg border border-slate-200 text-sm" data-testid="merge-items">
              {items.length === 0 && (
                <li className="p-3 text-slate-500">{rels.length ? "No being changed; only relationships (below)." : "This branch changed nothing yet."}</li>
              )}
              {items.map((i) => (
                <li key={i.soul} className="flex items-center gap-3 px-3 py-2">
                  {mode === "shallow" && (
                    <input
                      type="checkbox"
                      checked={picked.has(i.soul)}
                      onChange={(e) => {
                        const next = new Set(picked);
                        if (e.target.checked) next.add(i.soul);
                        else next.delete(i.soul);
                        setPicked(next);
                      }}
                    />
                  )}
                  <span className="font-medium text-slate-800">{i.name}</span>
                  <span
                    className={`rounded px-1.5 py-0.5 text-xs ${i.change === "created" ? "bg-emerald-50 text-emerald-700" : i.change === "deleted" ? "bg-rose-50 text-rose-700" : "bg-indigo-50 text-indigo-700"}`}
                  >
                    {i.change}
                  </span>
                  {i.conflict && <span className="text-xs font-semibold text-rose-700">conflict</span>}
                </li>
              ))}
            </ul>
            {conflicts.length > 0 && (
              <div>
                <p className="mb-2 text-sm text-slate-700">
                  {conflicts.length} conflict{conflicts.length === 1 ? "" : "s"}: {parentName} changed these beings too since the branch took them. Choose for
                  each; nothing is merged until every one is settled.
                </p>
                <ul className="space-y-3">
                  {conflicts.map((c) => (
                    <ConflictCard
                      key={c.soul}
                      id={c.soul}
                      title={c.name}
                      testId={c.name}
                      ours={docOf(c.ours)}
                      theirs={docOf(c.theirs)}
                      choice={choices[c.soul]}
                      edited={edits[c.soul] ?? JSON.stringify(docOf(c.theirs) ?? docOf(c.ours), null, 2)}
                      editError={choices[c.soul] === "edit" ? errorOf(parseBeing(edits[c.soul] ?? "")) : null}
                      onChoice={(choice) => {
                        setChoices({ ...choices, [c.soul]: choice });
                        if (choice === "edit" && edits[c.soul] === undefined)
                          setEdits({ ...edits, [c.soul]: JSON.stringify(docOf(c.theirs) ?? docOf(c.ours), null, 2) });
                      }}
                      onEdit={(t) => setEdits({ ...edits, [c.soul]: t })}
                    />
                  ))}
                </ul>
              </div>
            )}
            {takenRels.length > 0 && (
              <div>
                <p className="mb-1 text-sm font-medium text-slate-700">Relationships ({takenRels.length})</p>
                <ul className="max-h-40 divide-y divide-slate-100 overflow-y-auto rounded-lg border border-slate-200 text-sm" data-testid="merge-relationships">
                  {takenRels.map((r) => (
                    <li key={r.id} className="flex items-center gap-3 px-3 py-1.5">
                      <span className="text-slate-800">{endsOf(r)}</span>
                      <span className="text-xs text-slate-500">{(r.theirs ?? r.ours)?.tags.join(", ")}</span>
                      <span
                        className={`rounded px-1.5 py-0.5 text-xs ${r.change === "created" ? "bg-emerald-50 text-emerald-700" : r.change === "deleted" ? "bg-rose-50 text-rose-700" : "bg-indigo-50 text-indigo-700"}`}
                      >
                        {r.change}
                      </span>
                      {r.conflict && <span className="text-xs font-semibold text-rose-700">conflict</span>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {relConflicts.length > 0 && (
              <div>
                <p className="mb-2 text-sm text-slate-700">
                  {relConflicts.length} relationship conflict{relConflicts.length === 1 ? "" : "s"}: {parentName} changed these relationships too. Choose for
                  each.
                </p>
                <ul className="space-y-3">
                  {relConflicts.map((r) => (
                    <ConflictCard
                      key={r.id}
                      id={r.id}
                      title={endsOf(r)}
                      testId={`rel-${r.id}`}
                      ours={relDocOf(r.ours)}
                      theirs={relDocOf(r.theirs)}
                      choice={choices[r.id]}
                      edited={edits[r.id] ?? JSON.stringify(relDocOf(r.theirs) ?? relDocOf(r.ours), null, 2)}
                      editError={choices[r.id] === "edit" ? errorOf(parseRelationship(edits[r.id] ?? "")) : null}
                      onChoice={(choice) => {
                        setChoices({ ...choices, [r.id]: choice });
                        if (choice === "edit" && edits[r.id] === undefined)
                          setEdits({ ...edits, [r.id]: JSON.stringify(relDocOf(r.theirs) ?? relDocOf(r.ours), null, 2) });
                      }}
                      onEdit={(t) => setEdits({ ...edits, [r.id]: t })}
                    />
                  ))}
                </ul>
              </div>
            )}
            {merge.data?.status === "conflicts" && (
              <p role="alert" className="text-sm text-rose-700">
                {parentName} changed meanwhile: {merge.data.conflicts.length + merge.data.relationship_conflicts.length} conflict(s) need a choice. The list
                above is refreshed.
              </p>
            )}
            {merge.isError && <ErrorBox error={merge.error} title="Could not merge" />}
            <div className="flex gap-2">
              <Button
                variant="primary"
                data-testid="merge-confirm"
                disabled={merge.isPending || blocked || (mode === "shallow" ? taken.length : changeCount) === 0}
                onClick={() =>
                  merge.mutate(
                    {
                      branch: branch.id,
                      mode,
                      resolutions,
                      relationship_resolutions: relationshipResolutions,
                      ...(mode === "shallow" ? { souls: taken.map((i) => i.soul) } : {}),
                    },
                    { onSettled: () => void preview.refetch() },
                  )
                }
              >
                {merge.isPending ? "Merging…" : `Merge ${changeCount} change${changeCount === 1 ? "" : "s"}`}
              </Button>
              <Button onClick={onCancel}>Cancel</Button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
