/**
 * Lux highlighting for CodeMirror: a StreamLanguage over the same words the parser knows (lib/lux/ast),
 * so the editor colours exactly what the language reserves. Loaded with the editor, lazily.
 */
import { StreamLanguage, type StringStream } from "@codemirror/language";
import { RESERVED_WORDS, STATEMENT_KEYWORDS } from "../../../lib/lux/ast";

const STATEMENTS = new Set<string>(STATEMENT_KEYWORDS);
/** Words special only in their place (LOAD file …, USING reasoner …): shown as modifiers. */
const SOFT = new Set(["file", "url", "rows", "from", "master", "query", "examples", "reasoner", "being", "python"]);

interface State {
  /** Inside a """ block that spans lines. */
  inBlock: boolean;
}

function token(stream: StringStream, state: State): string | null {
  if (state.inBlock) {
    if (stream.skipTo('"""')) {
      stream.pos += 3;
      state.inBlock = false;
    } else stream.skipToEnd();
    return "string";
  }
  if (stream.eatSpace()) return null;
  if (stream.peek() === "#") {
    stream.skipToEnd();
    return "comment";
  }
  if (stream.match('"""')) {
    state.inBlock = true;
    return token(stream, state) ?? "string";
  }
  if (stream.peek() === '"') {
    stream.next();
    let escaped = false;
    for (let c = stream.next(); c !== undefined; c = stream.next()) {
      if (c === '"' && !escaped) break;
      escaped = !escaped && c === "\\";
    }
    return "string";
  }
  if (stream.match(/^\d+(\.\d+)?(ms|s|m|h)?\b/)) return "number";
  const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
  if (word) {
    const w = word[0];
    const upper = w.toUpperCase();
    if (upper === "TRUE" || upper === "FALSE") return "bool";
    if (STATEMENTS.has(upper) || upper === "EACH" || upper === "END" || upper === "ELSE") return "keyword";
    if (RESERVED_WORDS.has(upper)) return "operatorKeyword";
    if (SOFT.has(w.toLowerCase())) return "modifier";
    if (stream.string.charAt(stream.start - 1) === ".") return "propertyName";
    return "variableName";
  }
  if (stream.match(/^(==|!=|<=|>=|[=<>+-])/)) return "operator";
  if (stream.match(/^[[\]{}()]/)) return "bracket";
  stream.next();
  return "punctuation";
}

/** The Lux language for CodeMirror 6. */
export const luxLanguage = StreamLanguage.define<State>({
  name: "lux",
  startState: () => ({ inBlock: false }),
  copyState: (s) => ({ ...s }),
  token,
  languageData: { commentTokens: { line: "#" } },
});
