import type { z } from "zod";
import type { Being, beingUpdateSchema } from "../../lib/schemas";
import type { BeingValues } from "./beingDraft";
import { diffMergePatch, holdsNull } from "../../lib/diffMergePatch";

/** What `beings.update` accepts. */
export type BeingUpdateInput = z.input<typeof beingUpdateSchema>;

const PATCHED = ["genesis", "attributes", "memories", "self_awareness"] as const;

/**
 * The `beings.update` input that turns `being` into `values`: changed tags and energy,
 * and a JSON Merge Patch per document (null for removed keys). Unchanged fields are left out.
 */
export function beingPatch(being: Being, values: BeingValues): { input: BeingUpdateInput; changed: string[]; dropsNulls: boolean } {
  const input: BeingUpdateInput = { soul: being.soul };
  const changed: string[] = [];
  if (values.tags.join("\u0000") !== being.tags.join("\u0000")) {
    input.tags = values.tags;
    changed.push("tags");
  }
  if (values.energy_level !== being.energy_level) {
    input.energy_level = values.energy_level;
    changed.push("energy_level");
  }
  for (const field of PATCHED) {
    const patch = diffMergePatch(being[field], values[field]);
    if (Object.keys(patch).length) {
      input[field] = patch;
      changed.push(field);
    }
  }
  const dropsNulls = PATCHED.some((field) => holdsNull(values[field]));
  return { input, changed, dropsNulls };
}
