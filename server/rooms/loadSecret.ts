import "../serverOnly";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The file under LUXOS_DATA_DIR that holds the generated secret when LUXOS_SECRET is unset. */
export const SECRET_FILE = "secret";

/**
 * The key invites are signed with: LUXOS_SECRET when set; otherwise `<dataDir>/secret`,
 * generated (32 random bytes, hex, mode 0600) the first time so invites survive a restart.
 * NOTE: several servers behind one PostgreSQL must share one LUXOS_SECRET.
 */
export function loadSecret(configured: string | undefined, dataDir: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32)
    throw new Error(`The secret in ${file} is shorter than 32 characters: delete the file to generate a new one (existing invites stop working).`);
  return new TextEncoder().encode(secret);
}
