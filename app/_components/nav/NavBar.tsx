"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { PeopleMenu } from "../people/PeopleMenu";
import { BranchSwitcher } from "../branches/BranchSwitcher";
import { StoreBadge } from "./StoreBadge";

const LINKS = [
  { href: "/beings", label: "Beings" },
  { href: "/swarm", label: "Swarm" },
  { href: "/rooms", label: "Rooms" },
  { href: "/timeline", label: "Timeline" },
  { href: "/branches", label: "Branches" },
] as const;

/** The top bar: brand, sections, and the master's status. */
export function NavBar() {
  const pathname = usePathname();
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200/80 bg-white/85 backdrop-blur">
      <nav className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:gap-6 sm:px-6" aria-label="Main">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-slate-900" data-testid="nav-home">
          <span
            aria-hidden
            className="flex size-7 items-center justify-center rounded-lg bg-gradient-to-br from-indigo-500 to-violet-600 text-sm text-white shadow-sm"
          >
            ✦
          </span>
          <span>LuxOS</span>
        </Link>
        <ul className="flex items-center gap-1">
          {LINKS.map(({ href, label }) => {
            const active = pathname === href || pathname.startsWith(`${href}/`);
            return (
              <li key={href}>
                <Link
                  href={href}
                  data-testid={`nav-${label.toLowerCase()}`}
                  aria-current={active ? "page" : undefined}
                  className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
                    active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                  }`}
                >
                  {label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="ml-auto flex items-center gap-3">
          <BranchSwitcher />
          <StoreBadge />
          <PeopleMenu />
        </div>
      </nav>
    </header>
  );
}
