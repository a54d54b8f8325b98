import type { Soul } from "./ids";

/**
 * The core beings of seed 001. Their souls are fixed forever and they never evolve:
 * every other being descends from one of them.
 */
export const CORE_BEINGS = [
  { soul: "00000000-0000-4000-8000-000000000001", name: "BaseBeing", type: "class", about: "The root of every being." },
  { soul: "00000000-0000-4000-8000-000000000002", name: "ClassBeing", type: "class", about: "A being that describes a kind of beings." },
  { soul: "00000000-0000-4000-8000-000000000003", name: "FunctionBeing", type: "function", about: "A being that can be called." },
  { soul: "00000000-0000-4000-8000-000000000004", name: "Kernel", type: "kernel", about: "Runs beings through its I/O and CPU queues." },
  { soul: "00000000-0000-4000-8000-000000000005", name: "Factory", type: "class", about: "Creates new beings." },
  // The Kernel's two queues (migration 0009): each tab's kernel (app/_kernel) shows their live depth.
  { soul: "00000000-0000-4000-8000-000000000006", name: "IOQueue", type: "kernel", about: "The kernel's I/O queue: master calls and being-to-being messages." },
  {
    soul: "00000000-0000-4000-8000-000000000007",
    name: "CPUQueue",
    type: "kernel",
    about: "The kernel's CPU queue: Python runs on a small pool of sandbox workers.",
  },
] as const satisfies readonly { soul: string; name: string; type: string; about: string }[];

export type CoreBeingName = (typeof CORE_BEINGS)[number]["name"];

export const CORE_SOULS: ReadonlySet<string> = new Set(CORE_BEINGS.map((b) => b.soul));

/** The fixed soul of a core being, by name. */
export function coreSoul(name: CoreBeingName): Soul {
  const found = CORE_BEINGS.find((b) => b.name === name);
  if (!found) throw new Error(`unknown core being ${name}`);
  return found.soul as Soul;
}

export function isCoreSoul(soul: string): boolean {
  return CORE_SOULS.has(soul.toLowerCase());
}
