import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "../_components/ui/PageHeader";

export const metadata: Metadata = { title: "Swarm" };

const COMING = [
  {
    title: "Beings at work",
    text: "Each being runs in its own Web Worker with its own SQLite world on OPFS; here you will see its reflex, assessment and supervision layers tick.",
  },
  { title: "Energy and budget", text: "Live energy and Tiki spent per being and per branch, so you can see who is busy and what it costs." },
  { title: "Spawn, stop, talk", text: "Start and stop beings, send them a message, and watch the master answer their questions with provenance." },
] as const;

/** Placeholder until the runtime issue brings beings to life in the browser. */
export default function SwarmPage() {
  return (
    <>
      <PageHeader title="Swarm" description="Where your beings will run, live, in this browser." />
      <div
        className="rounded-2xl border border-dashed border-indigo-200 bg-gradient-to-br from-white to-indigo-50/60 p-6 sm:p-8"
        data-testid="swarm-placeholder"
      >
        <div className="flex items-center gap-2">
          <span className="relative flex size-2.5">
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-indigo-400 opacity-60" />
            <span className="relative inline-flex size-2.5 rounded-full bg-indigo-500" />
          </span>
          <p className="text-xs font-semibold tracking-wide text-indigo-700 uppercase">Coming with the runtime</p>
        </div>
        <h2 className="mt-3 text-lg font-semibold text-slate-900">No beings are running yet</h2>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          The master already keeps every being and relationship. The next step gives each being a body in your browser; this page will then show the swarm as it
          thinks and works.
        </p>
        <div className="mt-6 grid gap-3 md:grid-cols-3">
          {COMING.map(({ title, text }) => (
            <div key={title} className="rounded-xl bg-white/80 p-4 ring-1 ring-slate-200">
              <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
              <p className="mt-1 text-sm text-slate-500">{text}</p>
            </div>
          ))}
        </div>
        <p className="mt-6 text-sm text-slate-600">
          Meanwhile, shape the world they will live in on the{" "}
          <Link href="/beings" className="font-medium text-indigo-700 hover:underline">
            Beings
          </Link>{" "}
          page.
        </p>
      </div>
    </>
  );
}
