import type { ReactNode } from "react";

/** What an empty list says: a title, a line of help, and maybe an action. */
export function EmptyState({ title, children, action, testId }: { title: string; children?: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId} className="flex flex-col items-center justify-center gap-2 px-6 py-10 text-center">
      <div className="flex size-10 items-center justify-center rounded-full bg-slate-100 text-slate-400" aria-hidden>
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-5">
          <circle cx="12" cy="12" r="3" />
          <circle cx="12" cy="12" r="8" strokeDasharray="2 3" />
        </svg>
      </div>
      <p className="text-sm font-semibold text-slate-700">{title}</p>
      {children && <p className="max-w-sm text-sm text-slate-500">{children}</p>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}
