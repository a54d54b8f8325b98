"use client";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentUnit } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";

const theme = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "white" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "14rem" },
  ".cm-gutters": { backgroundColor: "rgb(248 250 252)", color: "rgb(148 163 184)", borderRight: "1px solid rgb(226 232 240)" },
  "&.cm-focused": { outline: "2px solid rgb(99 102 241)", outlineOffset: "-1px" },
  ".cm-scroller": { maxHeight: "28rem" },
});

/** A CodeMirror 6 editor for a being's source (4-space indents, Tab indents). The text is owned by the parent. */
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
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          bracketMatching(),
          indentUnit.of("    "),
          keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "code-editor" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // NOTE: created once per mode; later `value` changes are pushed in by the effect below.
  }, [readOnly, label]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} className="overflow-hidden rounded-lg border border-slate-300" />;
}
