"use client";
import type { Diagnostic } from "../../../lib/lux/diagnostics";
import { LazyCodeEditor, type MountEditor } from "../code-editor/LazyCodeEditor";
import { useRef } from "react";

/**
 * The Lux code editor, loaded when it is shown. `onRun` fires on Mod-Enter. The document is read once;
 * edits flow out through `onChange`.
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
  const callbacks = useRef({ onChange, onDiagnostics, onRun });
  callbacks.current = { onChange, onDiagnostics, onRun };
  const initialDoc = useRef(initial);

  async function load(): Promise<MountEditor> {
    const { createLuxEditor } = await import("./createLuxEditor");
    return (parent) =>
      createLuxEditor({
        parent,
        doc: initialDoc.current,
        onChange: (doc) => callbacks.current.onChange(doc),
        onDiagnostics: (d) => callbacks.current.onDiagnostics(d),
        onRun: () => callbacks.current.onRun(),
      });
  }

  return <LazyCodeEditor load={load} testId="lux-editor" />;
}
