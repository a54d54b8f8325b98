import Link from "next/link";
import { Panel } from "../ui/Panel";
import { CoreBeingsGrid } from "./CoreBeingsGrid";
import { RecentBeings } from "./RecentBeings";
import { StatCards } from "./StatCards";

const LINKS = [
  { href: "/beings", title: "Beings", text: "Browse, filter, create and link the beings the master holds." },
  { href: "/swarm", title: "Swarm", text: "Watch beings run in your browser (coming with the runtime)." },
] as const;

/** The landing page: what LuxOS is, what the master holds, where to go. */
export function Dashboard() {
  return (
    <div className="space-y-8">
      <section className="relative overflow-hidden rounded-2xl bg-gradient-to-br from-indigo-600 via-indigo-600 to-violet-700 px-6 py-8 text-white shadow-sm sm:px-8">
        <div aria-hidden className="absolute -top-16 -right-10 size-56 rounded-full bg-white/10 blur-2xl" />
        <p className="text-xs font-semibold tracking-widest text-indigo-200 uppercase">LuxOS</p>
        <h1 className="mt-2 max-w-2xl text-2xl font-semibold tracking-tight sm:text-3xl" data-testid="page-title">
          A browser-first home for a swarm of AI beings, guided by a Master Entity that holds their shared world.
        </h1>
        <div className="mt-6 flex flex-wrap gap-2">
          <Link
            href="/beings"
            className="inline-flex h-9 items-center rounded-lg bg-white px-3.5 text-sm font-medium text-indigo-700 shadow-sm hover:bg-indigo-50"
          >
            Explore beings
          </Link>
          <Link href="/swarm" className="inline-flex h-9 items-center rounded-lg px-3.5 text-sm font-medium text-white ring-1 ring-white/40 hover:bg-white/10">
            The swarm
          </Link>
        </div>
      </section>

      <StatCards />

      <div className="grid gap-4 lg:grid-cols-3">
        <Panel
          title="Newest beings"
          actions={
            <Link href="/beings" className="text-xs font-medium text-indigo-700 hover:underline">
              All beings →
            </Link>
          }
          className="lg:col-span-2"
          bodyClassName=""
        >
          <RecentBeings />
        </Panel>
        <div className="grid content-start gap-3">
          {LINKS.map(({ href, title, text }) => (
            <Link
              key={href}
              href={href}
              className="group rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-indigo-300 hover:shadow-md"
            >
              <span className="font-semibold text-slate-900 group-hover:text-indigo-700">{title} →</span>
              <p className="mt-1 text-sm text-slate-500">{text}</p>
            </Link>
          ))}
        </div>
      </div>

      <section>
        <h2 className="mb-1 text-sm font-semibold text-slate-900">Core beings</h2>
        <p className="mb-3 text-sm text-slate-500">Five fixed beings every other being descends from. They never change.</p>
        <CoreBeingsGrid />
      </section>
    </div>
  );
}
