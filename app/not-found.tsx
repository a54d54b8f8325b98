import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto mt-12 max-w-md text-center" data-testid="page-not-found">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">This page does not exist</h1>
      <p className="mt-2 text-sm text-slate-500">The address may be mistyped, or the page has moved.</p>
      <Link href="/" className="mt-6 inline-flex h-9 items-center rounded-lg bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-500">
        Go home
      </Link>
    </div>
  );
}
