"use client";
import { useCallback, useMemo, useState } from "react";
import { checkDraft, draftFieldOf, type BeingDraft, type DraftField } from "../../_lib/beingDraft";
import { fieldErrors } from "../../_lib/errorMessage";

/**
 * State of a being form: the draft, its live check, which fields have been touched,
 * and the server's field errors from the last submit (cleared as the field changes).
 */
export function useDraftForm(initial: BeingDraft) {
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<DraftField>>(new Set());
  const [serverErrors, setServerErrors] = useState<Partial<Record<DraftField, string>>>({});
  const check = useMemo(() => checkDraft(draft), [draft]);

  const change = useCallback((field: DraftField, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
    setServerErrors((e) => (field in e ? { ...e, [field]: undefined } : e));
  }, []);

  const reset = useCallback((next: BeingDraft) => {
    setDraft(next);
    setTouched(new Set());
    setServerErrors({});
  }, []);

  /** Puts the server's field errors under the matching inputs. */
  const showServerErrors = useCallback((error: unknown) => {
    const mapped: Partial<Record<DraftField, string>> = {};
    for (const [path, message] of Object.entries(fieldErrors(error))) {
      const field = draftFieldOf(path);
      if (field) mapped[field] = message;
    }
    setServerErrors(mapped);
  }, []);

  const errors = { ...check.errors, ...Object.fromEntries(Object.entries(serverErrors).filter(([, m]) => m)) };
  // NOTE: a non-empty field shows its message at once; an untouched empty one waits, so a fresh form is calm.
  const visible = (field: DraftField) => touched.has(field) || draft[field].trim() !== "" || field in serverErrors;
  return { draft, check, errors, visible, change, reset, showServerErrors };
}
