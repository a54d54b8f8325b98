/** The first line of defence of the read-only SQL box; sqlite's own `sqlite3_stmt_readonly` is the second. */

const ALLOWED_FIRST_WORDS = new Set(["select", "with", "explain", "pragma", "values"]);

/** The SQL with comments and quoted text blanked out, so `;` and keywords inside them do not count. */
function skeleton(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      out += " ";
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
      out += " ";
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === close) {
          if (close !== "]" && sql[j + 1] === close) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
      out += " x ";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Why `sql` may not run in the read-only box, or null when it may: one statement, starting with
 * SELECT, WITH, VALUES, EXPLAIN or a PRAGMA that reads (no `=`, no argument list that sets).
 *
 * @example checkReadOnlySql("DELETE FROM facts") // "Only SELECT, WITH, VALUES, EXPLAIN and reading PRAGMAs may run here, not DELETE."
 */
export function checkReadOnlySql(sql: string): string | null {
  const bare = skeleton(sql).trim().replace(/;\s*$/, "");
  if (bare.length === 0) return "Write a query first, e.g. SELECT * FROM facts LIMIT 10.";
  if (bare.includes(";")) return "Only one statement at a time: remove everything after the first ';'.";
  const first = /^[A-Za-z]+/.exec(bare)?.[0]?.toLowerCase() ?? "";
  if (!ALLOWED_FIRST_WORDS.has(first)) return `Only SELECT, WITH, VALUES, EXPLAIN and reading PRAGMAs may run here, not ${first.toUpperCase() || "this"}.`;
  if (first === "pragma" && bare.includes("=")) return "A PRAGMA that sets a value would change the database; only reading PRAGMAs may run here.";
  return null;
}
