/**
 * The one CodeMirror 6 set-up LuxOS editors share: line numbers, history, brackets, Tab indents, the
 * house theme, and an accessible label. Each language adds its own extensions (Lux: highlighting, lint,
 * completion, Mod-Enter). Imported lazily through LazyCodeEditor, so CodeMirror (~300 KB) stays out of
 * a page's first load.
 *
 * NOTE: the npm package `codemirror` is CodeMirror 5, so the editor is put together from the @codemirror/* packages.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { EditorState, type Extension } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";

export { EditorView };

export interface CodeEditorOptions {
  readonly parent: HTMLElement;
  readonly doc: string;
  /** Read by screen readers, and the editor's name in tests. */
  readonly label: string;
  readonly testId: string;
  readonly onChange: (doc: string) => void;
  readonly readOnly?: boolean;
  /** Four spaces for Python; two for everything else. */
  readonly indent?: string;
  /** The language's own extensions; their keymaps win over the defaults. */
  readonly extensions?: readonly Extension[];
}

const theme = EditorView.theme({
  "&": { fontSize: "13px", height: "100%", backgroundColor: "white" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "14rem", maxHeight: "28rem" },
  ".cm-gutters": { backgroundColor: "rgb(248 250 252)", color: "rgb(148 163 184)", borderRight: "1px solid rgb(226 232 240)" },
  "&.cm-focused": { outline: "2px solid rgb(99 102 241)", outlineOffset: "-1px" },
  ".cm-tooltip-lint": { whiteSpace: "pre-wrap", maxWidth: "36rem" },
});

/** Mounts an editor in `parent`; answers the view (destroy it to unmount). */
export function createCodeEditor(options: CodeEditorOptions): EditorView {
  const state = EditorState.create({
    doc: options.doc,
    extensions: [
      ...(options.extensions ?? []),
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      indentUnit.of(options.indent ?? "  "),
      keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
      EditorState.readOnly.of(options.readOnly ?? false),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange(update.state.doc.toString());
      }),
      theme,
      EditorView.contentAttributes.of({ "aria-label": options.label, "data-testid": options.testId }),
    ],
  });
  return new EditorView({ state, parent: options.parent });
}

/** Replaces the whole document when the parent's text differs from the editor's. */
export function setDoc(view: EditorView, doc: string): void {
  if (view.state.doc.toString() !== doc) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
}
