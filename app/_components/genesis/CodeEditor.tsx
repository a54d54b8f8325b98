"use client";
import type { EditorView } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { LazyCodeEditor, type MountEditor } from "../code-editor/LazyCodeEditor";

/**
 * The editor for a being's Python source (4-space indents, Tab indents), loaded when it is shown. The
 * text is owned by the parent: edits flow out through `onChange`, and a new `value` replaces the document.
 */
export function CodeEditor({
  value,
  onChange,
  readOnly = false,
  label,
}: {
  value: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
  label: string;
}) {
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  const setDoc = useRef<((view: EditorView, doc: string) => void) | null>(null);

  async function load(): Promise<MountEditor> {
    const editor = await import("../code-editor/createCodeEditor");
    setDoc.current = editor.setDoc;
    return (parent) =>
      editor.createCodeEditor({
        parent,
        // NOTE: the text as it is now, not as it was when loading began.
        doc: latest.current.value,
        label,
        testId: "code-editor",
        indent: "    ",
        readOnly,
        onChange: (text) => latest.current.onChange(text),
      });
  }

  useEffect(() => {
    if (view.current && setDoc.current) setDoc.current(view.current, value);
  }, [value]);

  return <LazyCodeEditor load={load} mountKey={`${readOnly}:${label}`} testId="genesis-editor" onView={(v) => (view.current = v)} />;
}
