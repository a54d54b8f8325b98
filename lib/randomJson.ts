/** Seeded random JSON for fuzz tests of merges and patches. */
import type { Json, JsonObject } from "./jsonMergePatch";
import type { Random } from "./random";

const KEYS = ["a", "b", "c", "d"];

export function randomJson(rng: Random, depth: number, allowNull: boolean): Json {
  const kind = rng.int(0, depth > 0 ? 6 : 4);
  switch (kind) {
    case 0:
      return allowNull ? null : rng.int(0, 9);
    case 1:
      return rng.bool();
    case 2:
      return rng.int(-100, 100);
    case 3:
      return rng.pick(["", "x", "héllo", 'q"uote']);
    case 4:
      return rng.int(0, 3);
    case 5:
      return Array.from({ length: rng.int(0, 3) }, () => randomJson(rng, depth - 1, true));
    default:
      return randomObject(rng, depth - 1, allowNull);
  }
}

export function randomObject(rng: Random, depth: number, allowNull: boolean): JsonObject {
  const out: JsonObject = {};
  for (const key of KEYS) if (rng.bool(0.5)) out[key] = randomJson(rng, depth, allowNull);
  return out;
}
