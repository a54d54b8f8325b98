"use client";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { Kernel, KernelStats } from "./Kernel";
import { getKernel } from "./kernelSingleton";

const noop = () => () => {};

/** The tab's kernel (null during the server render) and its queues' numbers, live. */
export function useKernel(): { kernel: Kernel | null; stats: KernelStats | null } {
  const [kernel, setKernel] = useState<Kernel | null>(null);
  useEffect(() => setKernel(getKernel()), []);
  const stats = useSyncExternalStore(
    kernel ? (cb) => kernel.onChange(cb) : noop,
    () => kernel?.stats() ?? null,
    () => null,
  );
  return { kernel, stats };
}
