import { MUTATION_ADDED_RATIO } from "./constants";
import { countLines, diffOps, type LineStats } from "./lineDiff";

/** What saving a new source does: nothing, a new version of the same being, or a new being. */
export type ChangeKind = "unchanged" | "evolution" | "mutation";

export interface Classification extends LineStats {
  readonly kind: ChangeKind;
  /** Lines added as a share of the latest version's lines (0 when it had none). */
  readonly addedRatio: number;
  /** One sentence a person reads before saving. */
  readonly reason: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Says what saving `after` over `before` will be (seed 001): removing any line, or adding more than
 * MUTATION_ADDED_RATIO of the existing lines, is a mutation (a new being); a smaller addition is an
 * evolution (a new version of the same being). A being with no source yet only evolves.
 *
 * @example classify("def f():\n  return 1\n", "def f():\n  return 1\n# note\n").kind // "evolution"
 */
export function classify(before: string, after: string): Classification {
  const { stats } = diffOps(before, after);
  const base = countLines(before);
  const addedRatio = base === 0 ? 0 : stats.added / base;
  if (stats.added === 0 && stats.removed === 0) {
    return { ...stats, kind: "unchanged", addedRatio, reason: "Nothing changed: there is nothing to save." };
  }
  if (stats.removed > 0) {
    return {
      ...stats,
      kind: "mutation",
      addedRatio,
      reason: `${plural(stats.removed, "line")} removed or changed: saving creates a new being that descends from this one.`,
    };
  }
  if (base > 0 && addedRatio > MUTATION_ADDED_RATIO) {
    return {
      ...stats,
      kind: "mutation",
      addedRatio,
      reason: `${plural(stats.added, "line")} added to ${plural(base, "line")} (more than ${Math.round(MUTATION_ADDED_RATIO * 100)}%): saving creates a new being that descends from this one.`,
    };
  }
  return {
    ...stats,
    kind: "evolution",
    addedRatio,
    reason: `${plural(stats.added, "line")} added, none removed: saving adds a new version of this being.`,
  };
}
