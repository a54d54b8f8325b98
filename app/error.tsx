"use client";
import { ErrorBox } from "./_components/ui/ErrorBox";

/** Last line of defence: a page that crashed while rendering. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorBox error={error} title="This page failed to render" onRetry={reset} testId="page-error" />;
}
