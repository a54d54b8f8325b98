import type { JsonObject } from "../../lib/jsonMergePatch";

/** A being's display name: genesis.name, or a short form of its soul when it has none. */
export function beingName(being: { soul: string; genesis: JsonObject }): string {
  const name = being.genesis["name"];
  return typeof name === "string" && name.trim() ? name : `being ${being.soul.slice(0, 8)}`;
}

/** genesis.type when it is a string. */
export function beingType(being: { genesis: JsonObject }): string | undefined {
  const type = being.genesis["type"];
  return typeof type === "string" && type ? type : undefined;
}
