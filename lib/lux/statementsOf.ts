import type { Program, Stmt } from "./ast";

/** Every statement of a program, those inside IF and FOR EACH included, in source order. */
export function* statementsOf(program: Program | { readonly statements: readonly Stmt[] }): Generator<Stmt> {
  for (const statement of program.statements) {
    yield statement;
    if (statement.kind === "if") {
      yield* statementsOf({ statements: statement.then });
      if (statement.else) yield* statementsOf({ statements: statement.else });
    } else if (statement.kind === "forEach") yield* statementsOf({ statements: statement.body });
  }
}
