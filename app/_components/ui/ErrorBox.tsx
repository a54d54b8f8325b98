"use client";
import { errorMessage } from "../../_lib/errorMessage";
import { Button } from "./Button";

/** A failed load or action: the server's message, and a Retry button when there is something to retry. */
export function ErrorBox({
  error,
  title = "Something went wrong",
  onRetry,
  testId = "error-box",
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  testId?: string;
}) {
  return (
    <div role="alert" data-testid={testId} className="flex items-start gap-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
      <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="mt-0.5 size-5 shrink-0 text-rose-500">
        <path
          fillRule="evenodd"
          d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
          clipRule="evenodd"
        />
      </svg>
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{title}</p>
        <p className="mt-1 break-words text-rose-800" data-testid={`${testId}-message`}>
          {errorMessage(error)}
        </p>
      </div>
      {onRetry && (
        <Button size="sm" onClick={onRetry} data-testid={`${testId}-retry`}>
          Retry
        </Button>
      )}
    </div>
  );
}
