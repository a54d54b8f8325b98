"use client";
import { useSyncExternalStore } from "react";
import { MAIN_BRANCH } from "../../lib/constants";

/** Where the chosen branch is kept between visits. */
const STORAGE_KEY = "luxos.branch";

/** The branch the whole app reads and writes in, with the name to label it by. */
export interface CurrentBranch {
  readonly id: string;
  readonly name: string;
}

const MAIN: CurrentBranch = { id: MAIN_BRANCH, name: MAIN_BRANCH };
const listeners = new Set<() => void>();
let current: CurrentBranch | undefined;

function read(): CurrentBranch {
  if (current) return current;
  current = MAIN;
  try {
    const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? "null");
    if (typeof saved === "object" && saved !== null && "id" in saved && "name" in saved && typeof saved.id === "string" && typeof saved.name === "string") {
      current = { id: saved.id, name: saved.name };
    }
  } catch {
    // NOTE: an unreadable saved value (or no storage at all) means main.
  }
  return current;
}

/** The branch every branch-aware call carries now (main when none was chosen). */
export function currentBranch(): CurrentBranch {
  return read();
}

/** Switches the whole app to `branch`; every subscriber (the query cache, the nav) hears of it. */
export function switchBranch(branch: CurrentBranch): void {
  current = branch;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(branch));
  } catch {
    // Private mode: the choice lasts for this tab only.
  }
  for (const listener of listeners) listener();
}

/** Subscribes to branch switches; returns the unsubscribe. */
export function onBranchSwitch(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** The current branch, re-rendering on a switch. */
export function useCurrentBranch(): CurrentBranch {
  return useSyncExternalStore(onBranchSwitch, read, () => MAIN);
}
