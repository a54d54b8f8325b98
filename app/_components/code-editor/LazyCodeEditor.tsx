"use client";
import type { EditorView } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import { Spinner } from "../ui/Spinner";

/** Mounts an editor into `parent` once CodeMirror has loaded; answers the view. */
export type MountEditor = (parent: HTMLElement) => EditorView;

/**
 * A code editor that loads when it is shown: a progress line while CodeMirror loads, the error if it
 * cannot. `load` imports the language's module and answers how to mount it; it runs again when `mountKey`
 * changes (e.g. read-only on or off). `onView` hands the live view to the parent (null on unmount).
 */
export function LazyCodeEditor({
  load,
  mountKey = "",
  testId,
  onView,
  className = "min-h-64",
}: {
  load: () => Promise<MountEditor>;
  mountKey?: string;
  testId: string;
  onView?: (view: EditorView | null) => void;
  className?: string;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const latest = useRef({ load, onView });
  latest.current = { load, onView };
  const [phase, setPhase] = useState<"loading" | "ready" | "failed">("loading");
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let view: EditorView | null = null;
    let live = true;
    setPhase("loading");
    latest.current.load().then(
      (mount) => {
        if (!live || !parent.current) return;
        view = mount(parent.current);
        latest.current.onView?.(view);
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
      if (view) latest.current.onView?.(null);
      view?.destroy();
    };
  }, [mountKey]);

  return (
    <div className={`relative overflow-hidden rounded-lg ring-1 ring-slate-200 ${className}`} data-testid={testId} data-phase={phase}>
      {phase === "loading" && (
        <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 bg-slate-50 text-xs text-slate-500" data-testid={`${testId}-loading`}>
          <Spinner label="Loading the editor" />
          <span>Loading the code editor…</span>
          <div className="h-1 w-40 overflow-hidden rounded bg-slate-200">
            <div className="h-full w-1/3 animate-pulse rounded bg-indigo-400" />
          </div>
        </div>
      )}
      {phase === "failed" && (
        <p className="p-4 text-sm text-rose-700" data-testid={`${testId}-failed`}>
          The code editor could not be loaded ({problem}). Reload the page to try again.
        </p>
      )}
      <div ref={parent} className="h-full" />
    </div>
  );
}
