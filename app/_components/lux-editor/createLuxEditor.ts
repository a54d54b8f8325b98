/**
 * The Lux editor: CodeMirror 6 with Lux highlighting, the parser's and checker's diagnostics inline as you
 * type (the same words `npm run lux -- check` prints), and Mod-Enter to run. Imported lazily by LuxCodeEditor.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter, lintKeymap, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";
import { STATEMENT_KEYWORDS } from "../../../lib/lux/ast";
import { compile } from "../../../lib/lux/compile";
import type { Diagnostic } from "../../../lib/lux/diagnostics";
import { luxLanguage } from "./luxLanguage";

/** Milliseconds of quiet typing before the program is checked again. */
const LINT_DELAY_MS = 250;

export interface LuxEditorOptions {
  readonly parent: HTMLElement;
  readonly doc: string;
  readonly onChange: (doc: string) => void;
  /** Called with every check's diagnostics (the panel lists them and disables Run). */
  readonly onDiagnostics: (diagnostics: readonly Diagnostic[]) => void;
  readonly onRun: () => void;
}

/** The text a diagnostic shows inline: the CLI's message, then its hint. */
export function inlineMessage(d: Diagnostic): string {
  return d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
}

/** Diagnostics as CodeMirror ranges: at least one character wide, inside the document. */
export function toCmDiagnostics(diagnostics: readonly Diagnostic[], docLength: number): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const from = Math.min(d.span.offset, docLength);
    const to = Math.min(docLength, from + Math.max(1, d.span.length));
    return { from, to: Math.max(from, to), severity: "error", source: "lux", message: inlineMessage(d) };
  });
}

function complete(context: CompletionContext) {
  const word = context.matchBefore(/[A-Za-z]+/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  return { from: word.from, options: STATEMENT_KEYWORDS.map((k) => ({ label: k, type: "keyword" })) };
}

/** Mounts the editor in `parent`; answers the view (destroy it to unmount). */
export function createLuxEditor(options: LuxEditorOptions): EditorView {
  const check = linter(
    (view) => {
      const source = view.state.doc.toString();
      const { diagnostics } = compile(source);
      options.onDiagnostics(diagnostics);
      return toCmDiagnostics(diagnostics, source.length);
    },
    { delay: LINT_DELAY_MS },
  );
  const state = EditorState.create({
    doc: options.doc,
    extensions: [
      // NOTE: the npm package `codemirror` pinned here is CodeMirror 5, so the editor is put together from the @codemirror/* packages.
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      luxLanguage,
      EditorView.lineWrapping,
      check,
      lintGutter(),
      autocompletion({ override: [complete] }),
      keymap.of([
        {
          key: "Mod-Enter",
          run: () => {
            options.onRun();
            return true;
          },
        },
        indentWithTab,
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...historyKeymap,
        ...completionKeymap,
        ...lintKeymap,
      ]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) options.onChange(update.state.doc.toString());
      }),
      EditorView.theme({
        "&": { fontSize: "13px", height: "100%" },
        ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "16rem" },
        ".cm-tooltip-lint": { whiteSpace: "pre-wrap", maxWidth: "36rem" },
      }),
      EditorView.contentAttributes.of({ "aria-label": "Lux program", "data-testid": "lux-code" }),
    ],
  });
  return new EditorView({ state, parent: options.parent });
}
