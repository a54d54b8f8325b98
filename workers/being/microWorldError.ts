/** Why a micro-world cannot be opened, written or read, as the UI shows it (shared by the live micro-world and its past copies). */
import type { MicroWorldErrorReason } from "./api";

/** The micro-world cannot be opened or written; `reason` says why in a word the UI can show. */
export class MicroWorldError extends Error {
  override readonly name = "MicroWorldError";
  constructor(
    readonly reason: MicroWorldErrorReason | "refused",
    message: string,
  ) {
    super(message);
  }
}

/** Sorts a low-level failure into quota / lock / corrupt, with a message that says what to do. */
export function classifyStorageError(error: unknown): MicroWorldError {
  if (error instanceof MicroWorldError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (/quota|SQLITE_FULL|disk is full/i.test(text))
    return new MicroWorldError("quota", `The browser's storage quota is used up (${text}). Free space or delete old beings, then restart this one.`);
  if (/SQLITE_BUSY|locked|NoModificationAllowed|access handle/i.test(text))
    return new MicroWorldError("locked", `The micro-world file is locked by another tab or worker (${text}). Close the other tab, then restart.`);
  if (/SQLITE_CORRUPT|SQLITE_NOTADB|malformed/i.test(text)) return new MicroWorldError("corrupt", `The micro-world file is damaged (${text}).`);
  return new MicroWorldError("unknown", text);
}
