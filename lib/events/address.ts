import { z } from "zod";
import { MAX_ROOM_ID_LENGTH } from "./constants";

/** Who speaks or is spoken to: a being's soul (UUID), `master`, or `room:<id>`. */
export type Address = string & { readonly __brand: "Address" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROOM = new RegExp(`^room:[A-Za-z0-9._~-]{1,${MAX_ROOM_ID_LENGTH}}$`);

/** An address; a soul is lower-cased so the same being always reads the same. */
export const addressSchema = z
  .string({ message: "must be a being's soul (a UUID), master or room:<id>" })
  .refine((s) => UUID.test(s) || s === "master" || ROOM.test(s), {
    message: `must be a being's soul (a UUID), master or room:<id> (letters, digits, . _ ~ -, at most ${MAX_ROOM_ID_LENGTH})`,
  })
  .transform((s) => (UUID.test(s) ? s.toLowerCase() : s) as Address);
