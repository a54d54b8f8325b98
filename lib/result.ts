/** An expected failure returned as a value rather than thrown (STYLE.md: errors and lifecycles). */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
