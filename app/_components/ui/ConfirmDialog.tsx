"use client";
import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "./Button";
import { Spinner } from "./Spinner";

/** A modal question with Cancel and a (dangerous) confirm button. Escape and the backdrop cancel. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busy = false,
  onConfirm,
  onCancel,
  testId = "confirm-dialog",
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !busy && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, onCancel]);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center p-4">
      <div className="absolute inset-0 bg-slate-900/40 backdrop-blur-[1px]" onClick={busy ? undefined : onCancel} aria-hidden />
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        data-testid={testId}
        className="relative w-full max-w-md rounded-xl bg-white p-5 shadow-xl ring-1 ring-slate-200"
      >
        <h2 id={`${testId}-title`} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        <div className="mt-2 text-sm text-slate-600">{children}</div>
        <div className="mt-5 flex justify-end gap-2">
          <Button ref={cancelRef} onClick={onCancel} disabled={busy} data-testid={`${testId}-cancel`}>
            Cancel
          </Button>
          <Button variant="danger" onClick={onConfirm} disabled={busy} data-testid={`${testId}-confirm`}>
            {busy && <Spinner className="size-3.5" label="Working" />}
            {confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}
