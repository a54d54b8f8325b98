import Link from "next/link";

/** What an unknown or malformed soul shows: no scary error, a way back. */
export function BeingNotFound({ soul, malformed }: { soul: string; malformed: boolean }) {
  return (
    <div data-testid="being-not-found" className="mx-auto mt-8 max-w-lg rounded-2xl border border-slate-200 bg-white p-8 text-center shadow-sm">
      <div aria-hidden className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-indigo-50 text-2xl text-indigo-400">
        ?
      </div>
      <h1 className="text-lg font-semibold text-slate-900">{malformed ? "That is not a soul" : "No being lives here"}</h1>
      <p className="mt-2 text-sm break-words text-slate-500">
        {malformed ? (
          <>
            A soul is a UUID such as <code className="font-mono text-xs">3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f</code>;{" "}
            <code className="font-mono text-xs">{soul.slice(0, 60)}</code> is not one.
          </>
        ) : (
          <>
            There is no being with soul <code className="font-mono text-xs">{soul}</code>. It may have been deleted.
          </>
        )}
      </p>
      <Link href="/beings" className="mt-6 inline-flex h-9 items-center rounded-lg bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-500">
        Browse beings
      </Link>
    </div>
  );
}
