import { z } from "zod";

/** A being's identity: a UUID, parsed once at the boundary. */
export type Soul = string & { readonly __brand: "Soul" };
/** A relationship's identity. */
export type RelationshipId = string & { readonly __brand: "RelationshipId" };

const uuid = z.uuid({ message: "must be a UUID such as 3f1c2a4e-8b7d-4c3a-9f2e-1a2b3c4d5e6f" });

export const soulSchema = uuid.transform((s) => s.toLowerCase() as Soul);
export const relationshipIdSchema = uuid.transform((s) => s.toLowerCase() as RelationshipId);

/** Parses a soul or throws a ZodError that names the problem. */
export function parseSoul(value: unknown): Soul {
  return soulSchema.parse(value);
}
