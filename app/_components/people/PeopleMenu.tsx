"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { saveLocalPerson } from "../../_rooms/localPerson";
import { useTRPC } from "../../_trpc/client";
import { Avatar } from "./Avatar";
import { useMe } from "./useMe";

/** Pages a signed-out visitor of a team server may open. */
const OPEN_PAGES = ["/signin", "/register", "/invite/"];

/** The people menu in the nav: who am I, my passkeys, sign out; on a team server, signed-out visitors go to /signin. */
export function PeopleMenu() {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.push("/signin");
      },
    }),
  );
  const required = me.data?.mode === "required";
  const person = me.data?.person ?? null;

  useEffect(() => {
    if (required && !person && !OPEN_PAGES.some((p) => pathname.startsWith(p))) router.replace(`/signin?next=${encodeURIComponent(pathname)}`);
  }, [required, person, pathname, router]);

  useEffect(() => {
    // NOTE: on a team server rooms show the signed-in person's name and colour, not this browser's guest name.
    if (required && person) saveLocalPerson({ name: person.name.slice(0, 60), color: person.colour });
  }, [required, person]);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  if (!me.data) return null;
  if (!person)
    return required ? (
      <Link href="/signin" data-testid="people-signin" className="rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
        Sign in
      </Link>
    ) : null;

  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        data-testid="people-menu"
        data-person={person.soul}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-2 rounded-full py-0.5 pr-2.5 pl-0.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
      >
        <Avatar name={person.name} colour={person.colour} />
        <span className="hidden max-w-32 truncate sm:inline" data-testid="people-name">
          {person.name}
        </span>
      </button>
      {open && (
        <div role="menu" className="absolute right-0 mt-2 w-64 rounded-xl border border-slate-200 bg-white p-1.5 text-sm shadow-lg">
          <div className="px-3 py-2">
            <p className="truncate font-medium text-slate-900">{person.name}</p>
            <p className="text-xs text-slate-500">
              {person.server_owner ? "Owner of this server" : "Member"} · {required ? "signed in with a passkey" : "local mode: no sign-in needed"}
            </p>
          </div>
          <div className="my-1 border-t border-slate-100" />
          <Link
            role="menuitem"
            href="/account"
            onClick={() => setOpen(false)}
            data-testid="people-account"
            className="block rounded-lg px-3 py-2 text-slate-700 hover:bg-slate-50"
          >
            {required ? "Name, colour and passkeys" : "Name and colour"}
          </Link>
          {required && (
            <button
              role="menuitem"
              type="button"
              data-testid="people-signout"
              disabled={signOut.isPending}
              onClick={() => signOut.mutate()}
              className="block w-full rounded-lg px-3 py-2 text-left text-rose-700 hover:bg-rose-50"
            >
              Sign out
            </button>
          )}
        </div>
      )}
    </div>
  );
}
