"use client";
import type { EditorView } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import type { Diagnostic } from "../../../lib/lux/diagnostics";
import { Spinner } from "../ui/Spinner";

/**
 * The code editor, loaded when it is shown (CodeMirror is ~300 KB): a progress line while it loads, the
 * error if it cannot. `onRun` fires on Mod-Enter. The document is read once; edits flow out through `onChange`.
 */
export function LuxCodeEditor({
  initial,
  onChange,
  onDiagnostics,
  onRun,
}: {
  initial: string;
  onChange: (doc: string) => void;
  onDiagnostics: (diagnostics: readonly Diagnostic[]) => void;
  onRun: () => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onChange, onDiagnostics, onRun });
  callbacks.current = { onChange, onDiagnostics, onRun };
  const [phase, setPhase] = useState<"loading" | "ready" | "failed">("loading");
  const [problem, setProblem] = useState<string | null>(null);
  const initialDoc = useRef(initial);

  useEffect(() => {
    let view: EditorView | null = null;
    let live = true;
    import("./createLuxEditor").then(
      ({ createLuxEditor }) => {
        if (!live || !parent.current) return;
        view = createLuxEditor({
          parent: parent.current,
          doc: initialDoc.current,
          onChange: (doc) => callbacks.current.onChange(doc),
          onDiagnostics: (d) => callbacks.current.onDiagnostics(d),
          onRun: () => callbacks.current.onRun(),
        });
        setPhase("ready");
      },
      (error: unknown) => {
        if (!live) return;
        setPhase("failed");
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
      view?.destroy();
    };
  }, []);

  return (
    <div className="relative min-h-64 overflow-hidden rounded-lg ring-1 ring-slate-200" data-testid="lux-editor" data-phase={phase}>
      {phase === "loading" && (
        <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 bg-slate-50 text-xs text-slate-500" data-testid="lux-editor-loading">
          <Spinner label="Loading the editor" />
          <span>Loading the code editor…</span>
          <div className="h-1 w-40 overflow-hidden rounded bg-slate-200">
            <div className="h-full w-1/3 animate-pulse rounded bg-indigo-400" />
          </div>
        </div>
      )}
      {phase === "failed" && (
        <p className="p-4 text-sm text-rose-700" data-testid="lux-editor-failed">
          The code editor could not be loaded ({problem}). Reload the page to try again.
        </p>
      )}
      <div ref={parent} className="h-full" />
    </div>
  );
}
