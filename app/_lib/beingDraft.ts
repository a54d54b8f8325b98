import { MAX_NAME_LENGTH, MAX_TAGS } from "../../lib/constants";
import type { JsonObject } from "../../lib/jsonMergePatch";
import { energySchema, type Being, tagSchema } from "../../lib/schemas";
import { parseJsonObject, toJsonText } from "./parseJsonObject";

/** The JSON documents a being carries, besides genesis. */
export const DOC_FIELDS = ["attributes", "memories", "self_awareness"] as const;
export type DocField = (typeof DOC_FIELDS)[number];

/** What a person types into a being form: every field as text, exactly as typed. */
export interface BeingDraft {
  name: string;
  type: string;
  tags: string;
  energy: string;
  /** genesis without name and type, as JSON. */
  genesis: string;
  attributes: string;
  memories: string;
  self_awareness: string;
}
export type DraftField = keyof BeingDraft;

/** A draft that checks out: the values the server expects. */
export type BeingValues = Pick<Being, "tags" | "energy_level" | "genesis" | "attributes" | "memories" | "self_awareness">;

export type DraftCheck =
  { ok: true; values: BeingValues; errors: Partial<Record<DraftField, string>> } | { ok: false; errors: Partial<Record<DraftField, string>> };

export const EMPTY_DRAFT: BeingDraft = { name: "", type: "", tags: "", energy: "0", genesis: "", attributes: "", memories: "", self_awareness: "" };

/** "a, b ,, c" → ["a", "b", "c"], duplicates dropped. */
export function splitTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** Checks typed tags against the server's rules; returns them or a message. */
export function parseTags(text: string): { ok: true; tags: string[] } | { ok: false; message: string } {
  const tags = splitTags(text);
  if (tags.length > MAX_TAGS) return { ok: false, message: `At most ${MAX_TAGS} tags (you have ${tags.length})` };
  for (const tag of tags) {
    const checked = tagSchema.safeParse(tag);
    if (!checked.success) return { ok: false, message: `"${tag.slice(0, 20)}…": ${checked.error.issues[0]?.message ?? "not a valid tag"}` };
  }
  return { ok: true, tags };
}

/** Reads a whole-number energy typed by a person; blank counts as `fallback`. */
export function parseEnergy(text: string, fallback: number | undefined): { ok: true; value: number | undefined } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: fallback };
  if (!/^\s*-?\d+\s*$/.test(text)) return { ok: false, message: "Energy is a whole number such as 10 or -3" };
  const checked = energySchema.safeParse(Number(text));
  return checked.success ? { ok: true, value: checked.data } : { ok: false, message: checked.error.issues[0]?.message ?? "Not a valid energy" };
}

/** The form's starting point for editing an existing being. */
export function draftFromBeing(being: Being): BeingDraft {
  const { name, type, ...rest } = being.genesis;
  const typeIsText = typeof type === "string";
  const extra: JsonObject = typeIsText || type === undefined ? rest : { ...rest, type };
  return {
    name: typeof name === "string" ? name : "",
    type: typeIsText ? type : "",
    tags: being.tags.join(", "),
    energy: String(being.energy_level),
    genesis: toJsonText(extra),
    attributes: toJsonText(being.attributes),
    memories: toJsonText(being.memories),
    self_awareness: toJsonText(being.self_awareness),
  };
}

/** Validates a draft field by field, with the messages shown under each input. */
export function checkDraft(draft: BeingDraft): DraftCheck {
  const errors: Partial<Record<DraftField, string>> = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Every being needs a name";
  else if (name.length > MAX_NAME_LENGTH) errors.name = `A name is at most ${MAX_NAME_LENGTH} characters`;

  const tags = parseTags(draft.tags);
  if (!tags.ok) errors.tags = tags.message;
  const energy = parseEnergy(draft.energy, 0);
  if (!energy.ok) errors.energy = energy.message;

  const genesis = parseJsonObject(draft.genesis, "genesis");
  if (!genesis.ok) errors.genesis = genesis.message;
  else if ("name" in genesis.value) errors.genesis = "Set the name in the Name field, not here";
  else if ("type" in genesis.value && draft.type.trim()) errors.genesis = "Set the type in the Type field, or leave that field blank";

  const docs: Partial<Record<DocField, JsonObject>> = {};
  for (const field of DOC_FIELDS) {
    const parsed = parseJsonObject(draft[field], field);
    if (parsed.ok) docs[field] = parsed.value;
    else errors[field] = parsed.message;
  }

  if (Object.keys(errors).length || !tags.ok || !energy.ok || !genesis.ok) return { ok: false, errors };
  const type = draft.type.trim();
  return {
    ok: true,
    errors,
    values: {
      tags: tags.tags,
      energy_level: energy.value ?? 0,
      genesis: { ...genesis.value, name, ...(type ? { type } : {}) },
      attributes: docs.attributes ?? {},
      memories: docs.memories ?? {},
      self_awareness: docs.self_awareness ?? {},
    },
  };
}

/** Maps the server's field errors ("genesis.name", "attributes") onto the draft's inputs. */
export function draftFieldOf(path: string): DraftField | undefined {
  const head = path.split(".")[0];
  if (path === "genesis.name") return "name";
  if (path === "genesis.type") return "type";
  if (head === "energy_level") return "energy";
  if (head === "tags" || head === "genesis" || head === "attributes" || head === "memories" || head === "self_awareness") return head;
  return undefined;
}
