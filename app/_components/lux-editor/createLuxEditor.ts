/**
 * The Lux editor: CodeMirror 6 with Lux highlighting, the parser's and checker's diagnostics inline as you
 * type (the same words `npm run lux -- check` prints), and Mod-Enter to run, on the shared set-up in ../code-editor. Imported lazily by LuxCodeEditor.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext } from "@codemirror/autocomplete";
import { linter, lintGutter, lintKeymap, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { EditorView, keymap } from "@codemirror/view";
import { STATEMENT_KEYWORDS } from "../../../lib/lux/ast";
import { compile } from "../../../lib/lux/compile";
import type { Diagnostic } from "../../../lib/lux/diagnostics";
import { createCodeEditor } from "../code-editor/createCodeEditor";
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
  return createCodeEditor({
    parent: options.parent,
    doc: options.doc,
    label: "Lux program",
    testId: "lux-code",
    onChange: options.onChange,
    extensions: [
      luxLanguage,
      EditorView.lineWrapping,
      closeBrackets(),
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
        ...closeBracketsKeymap,
        ...completionKeymap,
        ...lintKeymap,
      ]),
    ],
  });
}
