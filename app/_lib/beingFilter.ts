import type { BeingListInput } from "../../lib/schemas";
import { parseEnergy, parseTags } from "./beingDraft";
import { parseJsonObject } from "./parseJsonObject";

/** JSONB columns a containment filter may look into. */
export const FILTER_DOCS = ["attributes", "genesis", "memories", "self_awareness"] as const;
export type FilterDoc = (typeof FILTER_DOCS)[number];

/** The filter form as typed. */
export interface FilterDraft {
  name: string;
  tags: string;
  tagMode: "any" | "all";
  energyMin: string;
  energyMax: string;
  doc: FilterDoc;
  contains: string;
}
export type FilterField = "tags" | "energyMin" | "energyMax" | "contains";

export const EMPTY_FILTER: FilterDraft = { name: "", tags: "", tagMode: "any", energyMin: "", energyMax: "", doc: "attributes", contains: "" };

export type BeingFilter = Omit<BeingListInput, "limit" | "cursor">;

/** Turns the typed filter into `beings.list` input, or says what is wrong with each field. */
export function parseFilter(draft: FilterDraft): { filter: BeingFilter; errors: Partial<Record<FilterField, string>> } {
  const filter: BeingFilter = {};
  const errors: Partial<Record<FilterField, string>> = {};
  const name = draft.name.trim();
  if (name) filter.name = name;

  const tags = parseTags(draft.tags);
  if (!tags.ok) errors.tags = tags.message;
  else if (tags.tags.length) filter[draft.tagMode === "any" ? "tags_any" : "tags_all"] = tags.tags;

  const min = parseEnergy(draft.energyMin, undefined);
  const max = parseEnergy(draft.energyMax, undefined);
  if (!min.ok) errors.energyMin = min.message;
  else if (min.value !== undefined) filter.energy_min = min.value;
  if (!max.ok) errors.energyMax = max.message;
  else if (max.value !== undefined) filter.energy_max = max.value;
  if (min.ok && max.ok && min.value !== undefined && max.value !== undefined && min.value > max.value) {
    errors.energyMin = "Min is larger than max";
    delete filter.energy_min;
    delete filter.energy_max;
  }

  const contains = parseJsonObject(draft.contains, `${draft.doc} filter`);
  if (!contains.ok) errors.contains = contains.message;
  else if (Object.keys(contains.value).length) filter[draft.doc] = contains.value;

  return { filter, errors };
}

/** How many filters are in force. */
export function countFilters(filter: BeingFilter): number {
  return Object.keys(filter).length;
}
