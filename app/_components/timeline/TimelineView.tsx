"use client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { EventEnvelope } from "../../../lib/events/eventEnvelope";
import { timelineFilterSchema, type TimelineFilter } from "../../../lib/timeline/contract";
import { errorMessage } from "../../_lib/errorMessage";
import { formatAge } from "../../_lib/formatTime";
import { useDebounced } from "../../_lib/useDebounced";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";
import { ErrorBox } from "../ui/ErrorBox";
import { PageHeader } from "../ui/PageHeader";
import { Panel } from "../ui/Panel";
import { Spinner } from "../ui/Spinner";
import { BeingScrubber } from "./BeingScrubber";
import { MicroWorldScrubber } from "./MicroWorldScrubber";
import { EventStrip } from "./EventStrip";
import { eventColour, eventSummary, shortSource } from "./eventStyle";
import { ExportImport } from "./ExportImport";
import { RetentionOverview, RoomRetention } from "./RetentionPanel";
import { RoomScrubber } from "./RoomScrubber";
import { EMPTY_DRAFT, TimelineFilters, type FilterDraft } from "./TimelineFilters";
import { TraceWaterfall } from "./TraceWaterfall";

const PAGE = 200;

/** The typed filters as the API takes them; a field that does not parse yet is left out (and shown as such). */
function toFilter(draft: FilterDraft): { filter: TimelineFilter; invalid: string[] } {
  const filter: Record<string, string> = {};
  const invalid: string[] = [];
  for (const key of Object.keys(draft) as (keyof FilterDraft)[]) {
    const value = draft[key].trim();
    if (!value) continue;
    const time = key === "from" || key === "to" ? new Date(value) : null;
    const candidate = time ? (Number.isNaN(time.getTime()) ? "" : time.toISOString()) : key === "trace" ? value.toLowerCase() : value;
    if (timelineFilterSchema.shape[key].safeParse(candidate).success) filter[key] = candidate;
    else invalid.push(key);
  }
  return { filter, invalid };
}

type Row = { seq: number; event: EventEnvelope };

/** The flight recorder: every event at the master, filtered, drawn and tailed live; traces, replay and retention. */
export function TimelineView({ initial }: { initial: Partial<Record<keyof FilterDraft, string | undefined>> }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [draft, setDraft] = useState<FilterDraft>({ ...EMPTY_DRAFT, ...Object.fromEntries(Object.entries(initial).filter(([, v]) => v)) });
  const settled = useDebounced(draft, 300);
  const { filter, invalid } = useMemo(() => toFilter(settled), [settled]);
  const [selectedTrace, setSelectedTrace] = useState<string | null>(initial.trace ?? null);
  const [live, setLive] = useState(true);
  const [fresh, setFresh] = useState<Row[]>([]);
  const [tailError, setTailError] = useState<string | null>(null);
  const rooms = useQuery(trpc.rooms.list.queryOptions());
  const page = useQuery(trpc.timeline.query.queryOptions({ ...filter, limit: PAGE }));

  // The live tail: a long poll after the newest seq shown, new events prepended as they arrive.
  useEffect(() => {
    setFresh([]);
    if (!live || !page.data) return;
    const controller = new AbortController();
    let after = page.data.items[0]?.seq ?? 0;
    const loop = async () => {
      if (after === 0) after = (await client.timeline.head.query(undefined, { signal: controller.signal })).seq;
      while (!controller.signal.aborted) {
        try {
          const { items, head } = await client.timeline.tail.query({ ...filter, after, wait_ms: 20_000 }, { signal: controller.signal });
          after = head;
          if (items.length > 0) setFresh((rows) => [...[...items].reverse(), ...rows].slice(0, PAGE));
          setTailError(null);
        } catch (error) {
          if (controller.signal.aborted) return;
          setTailError(errorMessage(error));
          await new Promise((resolve) => setTimeout(resolve, 3_000));
        }
      }
    };
    void loop();
    return () => controller.abort();
  }, [live, page.data, filter, client]);

  const rows = useMemo(() => {
    const seen = new Set<number>();
    return [...fresh, ...(page.data?.items ?? [])].filter((r) => !seen.has(r.seq) && seen.add(r.seq));
  }, [fresh, page.data]);
  const select = (event: EventEnvelope) => setSelectedTrace(event.traceid);

  return (
    <>
      <PageHeader
        title="Timeline"
        description="Every decision, message and state change the master received, in one order: filter it, follow a trace, and scrub a being or room back to any moment."
        actions={<ExportImport filter={filter} />}
      />
      <div className="grid gap-6">
        <Panel
          title="Filters"
          actions={
            <>
              <Button size="sm" variant={live ? "primary" : "secondary"} onClick={() => setLive((v) => !v)} data-testid="toggle-live">
                <span className={`size-2 rounded-full ${live ? "animate-pulse bg-emerald-300" : "bg-slate-400"}`} aria-hidden />
                {live ? "Live" : "Paused"}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => (setDraft(EMPTY_DRAFT), setSelectedTrace(null))}>
                Clear
              </Button>
            </>
          }
        >
          <TimelineFilters draft={draft} onChange={setDraft} rooms={rooms.data?.items ?? []} />
          {invalid.length > 0 && <p className="mt-2 text-xs text-rose-600">Not applied until valid: {invalid.join(", ")}.</p>}
          {tailError && <p className="mt-2 text-xs text-amber-700">The live tail lost the server ({tailError}); retrying.</p>}
        </Panel>

        {filter.being && (
          <Panel
            title="Replay this being"
            description="Its record, its versions in branches and its relationships at every recorded change; restoring adds a new version."
          >
            <BeingScrubber soul={filter.being} branch={filter.branch ?? "main"} onTrace={setSelectedTrace} />
          </Panel>
        )}
        {filter.being && (
          <Panel
            title="Replay its micro-world"
            description="Its own SQLite file in the browser that runs it: facts, memories and world model at every recorded moment; restoring adds new changes."
          >
            <MicroWorldScrubber soul={filter.being} onTrace={setSelectedTrace} />
          </Panel>
        )}
        {filter.room && (
          <Panel title="Replay this room" description="Its shared document rebuilt from snapshots and the stored updates.">
            <RoomScrubber room={filter.room} />
          </Panel>
        )}

        <Panel
          title="Activity"
          description={page.data ? `${rows.length} events${page.data.next_before !== null ? " (the newest)" : ""}; click one to open its trace.` : undefined}
        >
          {page.isPending ? (
            <Spinner label="Loading the timeline…" />
          ) : page.error ? (
            <ErrorBox error={page.error} onRetry={() => void page.refetch()} />
          ) : rows.length === 0 ? (
            <p className="text-sm text-slate-500" data-testid="timeline-empty">
              No events match. Beings send theirs as they sync; widen the filters or wait for the live tail.
            </p>
          ) : (
            <EventStrip events={rows} selectedTrace={selectedTrace} onSelect={select} />
          )}
        </Panel>

        <div className="grid gap-6 lg:grid-cols-5">
          <Panel title="Events" className="lg:col-span-3" bodyClassName="max-h-[32rem] overflow-y-auto">
            <ol className="divide-y divide-slate-100" data-testid="timeline-events">
              {rows.map(({ seq, event }) => (
                <li key={seq}>
                  <button
                    type="button"
                    onClick={() => select(event)}
                    className={`flex w-full items-start gap-3 px-4 py-2 text-left hover:bg-slate-50 ${selectedTrace === event.traceid ? "bg-indigo-50/60" : ""}`}
                  >
                    <span className="mt-1.5 size-2.5 shrink-0 rounded-full" style={{ background: eventColour(event.type) }} aria-hidden />
                    <span className="min-w-0 flex-1">
                      <span className="flex flex-wrap items-baseline gap-x-2 text-xs">
                        <span className="font-semibold text-slate-800">{event.type}</span>
                        <span className="font-mono text-slate-500">{shortSource(event.source)}</span>
                        {event.branch !== "main" && <span className="rounded bg-amber-50 px-1 text-amber-700">{event.branch}</span>}
                        <span className="ml-auto text-slate-400" title={event.time}>
                          #{seq} · {formatAge(event.time)}
                        </span>
                      </span>
                      <span className="block truncate text-sm text-slate-600">{eventSummary(event)}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </Panel>
          <Panel title="Trace" className="lg:col-span-2" description={selectedTrace ? undefined : "Pick an event to see the work it belongs to."}>
            {selectedTrace ? <TraceWaterfall trace={selectedTrace} /> : <p className="text-sm text-slate-500">No trace selected.</p>}
          </Panel>
        </div>

        <Panel title="Retention" description="Per room: how long events and room history stay hot before the janitor archives them under the data folder.">
          {filter.room ? <RoomRetention room={filter.room} /> : <RetentionOverview onRoom={(room) => setDraft({ ...draft, room })} />}
        </Panel>
      </div>
    </>
  );
}
