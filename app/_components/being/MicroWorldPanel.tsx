"use client";
import type { Remote } from "comlink";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { useSwarm } from "../../_swarm/useSwarm";
import type { BeingWorkerApi, QueryResult, RecentEvent, TableInfo } from "../../../workers/being/api";
import { SyncIndicator } from "../swarm/SyncIndicator";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";

/** How often a live being's tables and events are read again. */
const REFRESH_MS = 2_000;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function ResultTable({ result }: { result: QueryResult }) {
  return (
    <div className="overflow-auto rounded-lg ring-1 ring-slate-200" data-testid="sql-result" data-rows={result.rows.length}>
      <table className="min-w-full text-xs">
        <thead className="sticky top-0 bg-slate-50 text-left text-slate-600">
          <tr>
            {result.columns.map((c) => (
              <th key={c} className="px-2 py-1.5 font-medium whitespace-nowrap">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="font-mono text-[11px] text-slate-700">
          {result.rows.map((row, i) => (
            <tr key={i} className="border-t border-slate-100">
              {row.map((cell, j) => (
                <td key={j} className="max-w-xs truncate px-2 py-1 align-top" title={cell === null ? "NULL" : String(cell)}>
                  {cell === null ? <span className="text-slate-400">NULL</span> : String(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {result.rows.length === 0 && <p className="px-3 py-4 text-center text-xs text-slate-500">No rows.</p>}
      <p className="border-t border-slate-100 bg-slate-50 px-2 py-1 text-[11px] text-slate-500">
        {result.rows.length} {result.rows.length === 1 ? "row" : "rows"}
        {result.truncated && " (capped; narrow the query)"} · {result.ms} ms
      </p>
    </div>
  );
}

/** The micro-world's connection: the running worker in this tab, or an inspecting one for a being that is not running here. */
function useWorldApi(soul: string): { api: Remote<BeingWorkerApi> | null; source: "live" | "inspect" | null; problem: string | null; known: boolean } {
  const { host, beings } = useSwarm();
  const being = beings.find((b) => b.soul === soul);
  const phase = being?.phase;
  const liveApi = phase === "running" || phase === "paused" || phase === "halted" || phase === "error" ? (host?.workerApi(soul) ?? null) : null;
  const [inspect, setInspect] = useState<{ api: Remote<BeingWorkerApi>; phase: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const record = being?.record;
  const wantsInspect = host !== null && record !== undefined && liveApi === null && phase !== "starting";

  useEffect(() => {
    if (!wantsInspect || !host || !record) return;
    let closed = false;
    let close: (() => void) | null = null;
    host.inspect(record).then(
      (opened) => {
        if (closed) return opened.close();
        close = opened.close;
        setInspect({ api: opened.api, phase: String(phase) });
        setProblem(null);
      },
      (e: unknown) => !closed && setProblem(errorMessage(e)),
    );
    return () => {
      closed = true;
      close?.();
      setInspect(null);
    };
  }, [wantsInspect, host, record, phase]);

  if (liveApi) return { api: liveApi, source: "live", problem: null, known: true };
  return { api: inspect?.api ?? null, source: inspect ? "inspect" : null, problem, known: being !== undefined || host === null };
}

/** A being's micro-world: its tables and rows, a read-only SQL box, and its recent events. */
export function MicroWorldPanel({ soul }: { soul: string }) {
  const { api, source, problem, known } = useWorldApi(soul);
  const status = useSwarm().beings.find((b) => b.soul === soul)?.status;
  const sync = source === "live" ? status?.sync : null;
  const [tables, setTables] = useState<readonly TableInfo[]>([]);
  const [events, setEvents] = useState<readonly RecentEvent[]>([]);
  const [sql, setSql] = useState("SELECT id, text, source, confidence, learned_at FROM facts ORDER BY learned_at DESC LIMIT 20");
  const [result, setResult] = useState<QueryResult | null>(null);
  const [sqlError, setSqlError] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);

  const run = useCallback(
    (text: string) => {
      if (!api) return;
      setSqlError(null);
      api.query(text).then(setResult, (e: unknown) => {
        setResult(null);
        setSqlError(errorMessage(e));
      });
    },
    [api],
  );

  useEffect(() => {
    if (!api) return;
    let live = true;
    const read = () =>
      Promise.all([api.tables(), api.recentEvents(20)]).then(
        ([t, e]) => {
          if (!live) return;
          setTables(t);
          setEvents(e);
          setReadError(null);
        },
        (e: unknown) => live && setReadError(errorMessage(e)),
      );
    void read();
    const timer = source === "live" ? setInterval(() => void read(), REFRESH_MS) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, source]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    run(sql);
  };
  const browse = (table: string) => {
    const text = `SELECT * FROM ${quoteIdent(table)} ORDER BY rowid DESC LIMIT 50`;
    setSql(text);
    run(text);
  };

  return (
    <div id="micro-world">
      <Panel
        title="Micro-world"
        description={
          source === "live"
            ? "The being's own SQLite database on OPFS, read from its running worker."
            : source === "inspect"
              ? "The being is not running in this tab; its database is opened here for browsing (queries are read-only)."
              : "The being's own SQLite database on OPFS, in this browser."
        }
        testId="micro-world-panel"
      >
        {!known && (
          <p data-testid="micro-world-absent" className="text-sm text-slate-500">
            This being has no micro-world in this browser. Spawn beings on the Swarm page to give them one.
          </p>
        )}
        {(problem ?? readError) && (
          <p role="alert" data-testid="micro-world-error" className="mb-3 rounded-lg bg-rose-50 px-3 py-2 text-xs text-rose-800">
            {problem ?? readError}
          </p>
        )}
        {known && !api && !problem && <p className="text-sm text-slate-500">Opening the micro-world…</p>}
        {sync && status && (
          <div className="mb-3">
            <SyncIndicator sync={sync} at={status.at} onRetry={() => void api?.syncNow().catch(() => undefined)} />
          </div>
        )}
        {api && (
          <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,20rem)]">
            <div className="min-w-0 space-y-3">
              <div className="flex flex-wrap gap-1.5" data-testid="micro-world-tables">
                {tables.map((t) => (
                  <button
                    key={t.name}
                    type="button"
                    onClick={() => browse(t.name)}
                    data-testid={`table-${t.name}`}
                    data-rows={t.rows}
                    title={t.columns.join(", ")}
                    className="rounded-lg bg-slate-50 px-2.5 py-1 text-xs text-slate-700 ring-1 ring-slate-200 ring-inset hover:bg-indigo-50 hover:ring-indigo-200"
                  >
                    <span className="font-mono">{t.name}</span> <span className="text-slate-400 tabular-nums">{t.rows.toLocaleString("en")}</span>
                  </button>
                ))}
              </div>
              <form onSubmit={submit} className="space-y-2">
                <label htmlFor="micro-world-sql" className="block text-xs font-medium text-slate-700">
                  Read-only SQL
                </label>
                <textarea
                  id="micro-world-sql"
                  data-testid="sql-input"
                  className={`${inputClass} font-mono text-xs`}
                  rows={3}
                  value={sql}
                  onChange={(e) => setSql(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) run(sql);
                  }}
                  spellCheck={false}
                />
                <div className="flex items-center gap-2">
                  <Button type="submit" size="sm" variant="primary" data-testid="sql-run">
                    Run
                  </Button>
                  <span className="text-xs text-slate-500">SELECT, WITH, EXPLAIN or a reading PRAGMA; Ctrl+Enter runs it.</span>
                </div>
              </form>
              {sqlError && (
                <p role="alert" data-testid="sql-error" className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900">
                  {sqlError}
                </p>
              )}
              {result && <ResultTable result={result} />}
            </div>
            <div className="min-w-0">
              <h3 className="mb-2 text-xs font-semibold text-slate-700">Recent events in the outbox</h3>
              <ol className="max-h-96 space-y-1.5 overflow-auto" data-testid="micro-world-events">
                {events.length === 0 && <li className="text-xs text-slate-500">None waiting: the master has acknowledged every event.</li>}
                {events.map((e) => (
                  <li key={e.id} className="rounded-lg bg-slate-50 px-2.5 py-1.5 text-xs ring-1 ring-slate-100">
                    <div className="flex items-center justify-between gap-2">
                      <span className="font-mono font-medium text-slate-800">{e.decision ?? e.type}</span>
                      <span className="shrink-0 text-[10px] text-slate-400">{new Date(e.time).toLocaleTimeString("en-GB")}</span>
                    </div>
                    {e.layer && <span className="text-[10px] tracking-wide text-indigo-600 uppercase">{e.layer}</span>}
                    {e.rationale && <p className="mt-0.5 line-clamp-2 text-slate-600">{e.rationale}</p>}
                  </li>
                ))}
              </ol>
            </div>
          </div>
        )}
      </Panel>
    </div>
  );
}
