"use client";
import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { coreSoul } from "../../../lib/coreBeings";
import { soulSchema } from "../../../lib/ids";
import { beingName, beingType } from "../../_lib/beingName";
import { errorCode, retryUnlessClientError } from "../../_lib/errorMessage";
import { useRefreshWorld } from "../../_lib/useRefreshWorld";
import { useTRPC } from "../../_trpc/client";
import { GenesisSection } from "../genesis/GenesisPanel";
import { NeighborhoodPanel } from "../graph/NeighborhoodPanel";
import { KernelPanel } from "../kernel/KernelPanel";
import { LuxEditorPanel } from "../lux-editor/LuxEditorPanel";
import { Button } from "../ui/Button";
import { CopyButton } from "../ui/CopyButton";
import { CoreBadge } from "../ui/CoreBadge";
import { ErrorBox } from "../ui/ErrorBox";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { Skeleton, SkeletonRows } from "../ui/Skeleton";
import { BeingDetails } from "./BeingDetails";
import { BeingNotFound } from "./BeingNotFound";
import { DeleteBeingButton } from "./DeleteBeingButton";
import { EditBeingForm } from "./EditBeingForm";
import { MicroWorldPanel } from "./MicroWorldPanel";
import { RelationshipsPanel } from "./RelationshipsPanel";

/** The Kernel and its two queue beings: their pages show this tab's queues, live. */
const KERNEL_SOULS: ReadonlySet<string> = new Set([coreSoul("Kernel"), coreSoul("IOQueue"), coreSoul("CPUQueue")]);

function Breadcrumb({ name }: { name?: string }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-3 text-xs text-slate-500">
      <Link href="/beings" className="hover:text-slate-800 hover:underline">
        Beings
      </Link>
      <span className="mx-1.5 text-slate-300">/</span>
      <span className="text-slate-700">{name ?? "…"}</span>
    </nav>
  );
}

/** The /beings/[soul] page: every field, edit, delete, relationships and the neighbourhood graph. */
export function BeingView({ soul: raw }: { soul: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshWorld();
  const parsed = soulSchema.safeParse(raw);
  const soul = parsed.success ? parsed.data : undefined;
  const being = useQuery({ ...trpc.beings.get.queryOptions(soul ? { soul } : skipToken), retry: retryUnlessClientError });
  const [editing, setEditing] = useState(false);
  const [deleted, setDeleted] = useState<{ name: string; relationships: number } | null>(null);

  if (!soul) return <BeingNotFound soul={raw} malformed />;
  if (deleted) {
    return (
      <div data-testid="being-deleted" className="mx-auto mt-8 max-w-lg rounded-2xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-lg font-semibold text-slate-900">{deleted.name} was deleted</h1>
        <p className="mt-2 text-sm text-slate-500">
          {deleted.relationships === 0
            ? "It had no relationships."
            : `${deleted.relationships} ${deleted.relationships === 1 ? "relationship was" : "relationships were"} deleted with it.`}
        </p>
        <Link href="/beings" className="mt-6 inline-flex h-9 items-center rounded-lg bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-500">
          Back to beings
        </Link>
      </div>
    );
  }
  if (being.isPending) {
    return (
      <div data-testid="being-loading" aria-busy="true">
        <Breadcrumb />
        <Skeleton className="mb-2 h-8 w-64" />
        <Skeleton className="mb-6 h-4 w-96 max-w-full" />
        <Panel>
          <SkeletonRows rows={6} />
        </Panel>
      </div>
    );
  }
  if (being.isError) {
    if (errorCode(being.error) === "NOT_FOUND") return <BeingNotFound soul={soul} malformed={false} />;
    return (
      <>
        <Breadcrumb />
        <ErrorBox error={being.error} title="Could not load this being" onRetry={() => void being.refetch()} testId="being-error" />
      </>
    );
  }

  const b = being.data;
  const name = beingName(b);
  const type = beingType(b);
  return (
    <div data-testid="being-page" data-soul={b.soul}>
      <Breadcrumb name={name} />
      <PageHeader
        title={name}
        badge={
          <>
            {type && <span className="rounded-md bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{type}</span>}
            {b.core && <CoreBadge />}
          </>
        }
        description={
          <span className="flex items-center gap-1">
            <code className="font-mono text-xs break-all text-slate-500">{b.soul}</code>
            <CopyButton text={b.soul} label="Copy soul" />
          </span>
        }
        actions={
          !b.core &&
          !editing && (
            <>
              <Button onClick={() => setEditing(true)} data-testid="edit-being">
                Edit
              </Button>
              <DeleteBeingButton
                being={b}
                onDeleted={(result) => {
                  setDeleted({ name, relationships: result.relationships_deleted });
                  queryClient.removeQueries({ queryKey: trpc.beings.get.queryKey({ soul: b.soul }) });
                  void refresh();
                }}
              />
            </>
          )
        }
      />
      {b.core && (
        <div data-testid="core-readonly" className="mb-4 flex gap-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="mt-0.5 size-4 shrink-0 text-amber-600">
            <path
              fillRule="evenodd"
              d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z"
              clipRule="evenodd"
            />
          </svg>
          <p>
            <strong>{name}</strong> is a core being: its soul is fixed forever and it never changes, so it cannot be edited or deleted. To build on it, create a
            new being whose genesis names it as an ancestor.
          </p>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-5">
        <Panel
          title={editing ? `Edit ${name}` : "Fields"}
          description={editing ? "Only what you change is sent; JSON documents go as a merge patch." : undefined}
          className={editing ? "lg:col-span-5" : "lg:col-span-3"}
          testId="being-fields-panel"
        >
          {editing ? <EditBeingForm being={b} onDone={() => setEditing(false)} /> : <BeingDetails being={b} />}
        </Panel>
        <div className={editing ? "lg:col-span-5" : "lg:col-span-2"}>
          <NeighborhoodPanel soul={b.soul} name={name} />
        </div>
        {!b.core && (
          <div className="lg:col-span-5">
            <LuxEditorPanel being={b} />
          </div>
        )}
        {KERNEL_SOULS.has(b.soul) && (
          <div className="lg:col-span-5">
            <KernelPanel />
          </div>
        )}
        <div className="lg:col-span-5">
          <GenesisSection soul={b.soul} />
        </div>
        <div className="lg:col-span-5">
          <MicroWorldPanel soul={b.soul} />
        </div>
        <div className="lg:col-span-5">
          <RelationshipsPanel soul={b.soul} name={name} readOnly={b.core} />
        </div>
      </div>
    </div>
  );
}
