"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type ChangeEvent } from "react";
import { MAX_IMPORT_BYTES } from "../../../lib/timeline/constants";
import type { TimelineFilter } from "../../../lib/timeline/contract";
import type { OtlpTraces } from "../../../lib/timeline/otlp";
import { errorMessage } from "../../_lib/errorMessage";
import { useTRPC, useTRPCClient } from "../../_trpc/client";
import { Button } from "../ui/Button";

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** NDJSON split at line ends into parts the server takes in one import each. */
function parts(text: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (current.length + line.length + 1 > MAX_IMPORT_BYTES / 2 && current) {
      out.push(current);
      current = "";
    }
    current += `${line}\n`;
  }
  if (current.trim()) out.push(current);
  return out;
}

/** Download the (filtered) log and the journal as CloudEvents NDJSON or OTLP/JSON traces; import an exported file. */
export function ExportImport({ filter }: { filter: TimelineFilter }) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const exportAs = async (format: "cloudevents" | "otlp") => {
    setBusy(true);
    setStatus("Exporting…");
    try {
      let ndjson = "";
      const traces: OtlpTraces = { resourceSpans: [] };
      const count = { events: 0, journal: 0 };
      // The log, then the master's journal of beings and relationships (which filters by being, trace and time only).
      const journalToo = !filter.room && !filter.branch && !filter.type;
      for (const journal of journalToo ? [false, true] : [false]) {
        let after = 0;
        for (;;) {
          const page = await client.timeline.export.query({ ...filter, format, after, journal });
          count[journal ? "journal" : "events"] += page.count;
          if (typeof page.body === "string") ndjson += page.body;
          else traces.resourceSpans.push(...page.body.resourceSpans);
          if (page.next_after === null) break;
          after = page.next_after;
        }
      }
      if (format === "otlp") download("luxos-traces.otlp.json", JSON.stringify(traces), "application/json");
      else download("luxos-timeline.ndjson", ndjson, "application/x-ndjson");
      setStatus(`Exported ${count.events} events${journalToo ? ` and ${count.journal} journal entries` : ""}.`);
    } catch (error) {
      setStatus(`Export failed: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    event.target.value = "";
    if (!chosen) return;
    setBusy(true);
    setStatus(`Importing ${chosen.name}…`);
    try {
      let imported = 0;
      let journal = 0;
      let already = 0;
      for (const part of parts(await chosen.text())) {
        const result = await client.timeline.import.mutate({ ndjson: part });
        if (result.problems.length > 0) {
          setStatus(`Import stopped: line ${result.problems[0]!.line} of a part: ${result.problems[0]!.message}`);
          return;
        }
        imported += result.imported;
        journal += result.journal_entries;
        already += result.already_logged;
      }
      setStatus(`Imported ${imported - journal} events${journal ? ` and ${journal} journal entries` : ""}${already ? `; ${already} were here already` : ""}.`);
      void queryClient.invalidateQueries({ queryKey: trpc.timeline.pathKey() });
    } catch (error) {
      setStatus(`Import failed: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-2">
      {status && (
        <span className="text-xs text-slate-500" role="status" data-testid="export-status">
          {status}
        </span>
      )}
      <Button size="sm" disabled={busy} onClick={() => void exportAs("cloudevents")} data-testid="export-cloudevents">
        Export CloudEvents
      </Button>
      <Button size="sm" disabled={busy} onClick={() => void exportAs("otlp")} data-testid="export-otlp">
        Export OTLP traces
      </Button>
      <Button size="sm" disabled={busy} onClick={() => file.current?.click()}>
        Import…
      </Button>
      <input
        ref={file}
        type="file"
        accept=".ndjson,.jsonl,application/x-ndjson"
        className="hidden"
        onChange={(e) => void importFile(e)}
        data-testid="import-file"
      />
    </div>
  );
}
