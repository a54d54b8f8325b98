"use client";
import { useState, type DragEvent } from "react";
import type { LuxFileInput } from "../../../workers/being/api";

/** The largest file a program may LOAD: it travels to the worker with every run. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Files dropped here (or picked) are what `LOAD file "name"` reads in the next run. */
export function LuxDropZone({ files, onFiles }: { files: readonly LuxFileInput[]; onFiles: (files: LuxFileInput[]) => void }) {
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const take = async (list: FileList | null) => {
    if (!list) return;
    const next = new Map(files.map((f) => [f.name, f]));
    for (const file of Array.from(list)) {
      if (file.size > MAX_FILE_BYTES) {
        setProblem(`${file.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; LOAD file takes smaller files.`);
        continue;
      }
      next.set(file.name, { name: file.name, text: await file.text() });
    }
    onFiles([...next.values()]);
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    setProblem(null);
    void take(e.dataTransfer.files);
  };

  return (
    <div
      data-testid="lux-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`rounded-lg border border-dashed px-3 py-2 text-xs ${over ? "border-indigo-400 bg-indigo-50 text-indigo-800" : "border-slate-300 text-slate-500"}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span>
          Drop files here for <code className="font-mono">LOAD file &quot;name&quot;</code>, or{" "}
          <label className="cursor-pointer text-indigo-700 hover:underline">
            pick them
            <input type="file" multiple className="sr-only" data-testid="lux-file-input" onChange={(e) => void take(e.target.files)} />
          </label>
          .
        </span>
        {files.map((f) => (
          <span key={f.name} className="inline-flex items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700" data-testid="lux-file">
            {f.name}
            <span className="text-slate-400">({Math.ceil(f.text.length / 1024)} KB)</span>
            <button
              type="button"
              aria-label={`Remove ${f.name}`}
              className="text-slate-400 hover:text-rose-600"
              onClick={() => onFiles(files.filter((x) => x.name !== f.name))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      {problem && <p className="mt-1 text-rose-700">{problem}</p>}
    </div>
  );
}
