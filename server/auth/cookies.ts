import "../serverOnly";
import type { AuthConfig } from "../env";
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from "./constants";

/** The cookies of a `Cookie` header, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
      } catch {
        // a malformed value is no session
      }
    }
  }
  return cookies;
}

export function sessionCookieName(config: Pick<AuthConfig, "secure">): string {
  return config.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token a request carries, if any. */
export function sessionTokenOf(cookieHeader: string | undefined, config: Pick<AuthConfig, "secure">): string | undefined {
  return parseCookies(cookieHeader).get(sessionCookieName(config)) || undefined;
}

/** `Set-Cookie` for a session: httpOnly, SameSite=Lax, Secure on https, the whole site. */
export function sessionCookie(config: Pick<AuthConfig, "secure">, token: string, expiresAt: Date): string {
  const parts = [`${sessionCookieName(config)}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${expiresAt.toUTCString()}`];
  if (config.secure) parts.push("Secure");
  return parts.join("; ");
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(config: Pick<AuthConfig, "secure">): string {
  return sessionCookie(config, "", new Date(0));
}
