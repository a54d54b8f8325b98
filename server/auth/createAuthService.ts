import "../serverOnly";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Principal } from "../../lib/auth/policy";
import type { Person } from "../db/identity";
import type { MasterStore } from "../db/store";
import type { AuthConfig } from "../env";
import {
  API_BURST,
  API_PER_SECOND,
  CHALLENGE_TTL_MS,
  MAX_CHALLENGES,
  SESSION_TOUCH_MS,
  SIGN_IN_BURST,
  SIGN_IN_PER_SECOND,
  SOCKET_BURST,
  SOCKET_PER_SECOND,
} from "./constants";
import { sessionTokenOf } from "./cookies";
import { RateLimiter } from "./RateLimiter";

/** What a passkey ceremony started with, kept server-side under its challenge until the answer comes back. */
export type Ceremony =
  | { readonly kind: "register"; readonly name: string; readonly userHandle: string; readonly invite?: string; readonly setup?: boolean }
  | { readonly kind: "add-passkey"; readonly person: string }
  | { readonly kind: "sign-in" };

/** The caller of one request, and the session token it came with. */
export interface Caller {
  readonly principal: Principal;
  readonly person: Person | null;
  readonly sessionToken: string | undefined;
}

/** Sign-in state shared by every request of one server: config, challenges, the setup token, rate limits. */
export interface AuthService {
  readonly config: AuthConfig;
  readonly limits: { readonly signIn: RateLimiter; readonly api: RateLimiter; readonly socket: RateLimiter };
  /** Who is asking, from a request's `Cookie` header. */
  callerOf(cookieHeader: string | undefined): Promise<Caller>;
  /** LUXOS_AUTH=local: the owner's person, made on first use. */
  localOwner(): Promise<Person>;
  /** Remembers a ceremony under its challenge (the base64url one the options carry). */
  begin(challenge: string, ceremony: Ceremony): void;
  /** Takes back a ceremony by its challenge, once; undefined when unknown or expired. */
  take(challenge: string): Ceremony | undefined;
  /** Whether a one-time setup token was printed and `token` is it. */
  checkSetup(token: string): boolean;
  /** Forgets the setup token once the first passkey exists. */
  consumeSetup(): void;
  /** Prints a setup token when nobody can sign in yet (LUXOS_AUTH=required); answers it, or null. */
  announceSetup(log: (line: string) => void): Promise<string | null>;
}

/** The principal of LUXOS_AUTH=local: whoever reaches the server is its owner. */
export function localPrincipal(person: Person | null): Principal {
  return { kind: "person", soul: person?.soul ?? null, name: person?.name ?? "Owner", serverOwner: true };
}

export function personPrincipal(person: Person): Principal {
  return { kind: "person", soul: person.soul, name: person.name, serverOwner: person.server_owner };
}

/** `now` is the wall clock (challenge expiry); `tick` the monotonic clock of the rate limiters (tests freeze it). */
export function createAuthService(
  store: MasterStore,
  config: AuthConfig,
  { now = () => Date.now(), tick = () => performance.now() }: { now?: () => number; tick?: () => number } = {},
): AuthService {
  const ceremonies = new Map<string, { ceremony: Ceremony; expires: number }>();
  let setupToken: string | null = null;
  let owner: Promise<Person> | undefined;

  const service: AuthService = {
    config,
    limits: {
      signIn: new RateLimiter(SIGN_IN_BURST, SIGN_IN_PER_SECOND, tick),
      api: new RateLimiter(API_BURST, API_PER_SECOND, tick),
      socket: new RateLimiter(SOCKET_BURST, SOCKET_PER_SECOND, tick),
    },
    async callerOf(cookieHeader) {
      const sessionToken = sessionTokenOf(cookieHeader, config);
      const person = sessionToken ? await store.identity.sessionPerson(sessionToken, SESSION_TOUCH_MS) : null;
      if (config.mode === "required") return { principal: person ? personPrincipal(person) : { kind: "anonymous" }, person, sessionToken };
      const local = person ?? (await store.identity.serverOwner());
      return { principal: localPrincipal(local), person: local, sessionToken };
    },
    localOwner() {
      owner ??= (async () => (await store.identity.serverOwner()) ?? (await store.identity.createPerson({ name: "Owner", serverOwner: true })))();
      owner.catch(() => (owner = undefined));
      return owner;
    },
    begin(challenge, ceremony) {
      const t = now();
      for (const [key, entry] of ceremonies) if (entry.expires <= t || ceremonies.size >= MAX_CHALLENGES) ceremonies.delete(key);
      ceremonies.set(challenge, { ceremony, expires: t + CHALLENGE_TTL_MS });
    },
    take(challenge) {
      const entry = ceremonies.get(challenge);
      ceremonies.delete(challenge);
      return entry && entry.expires > now() ? entry.ceremony : undefined;
    },
    checkSetup(token) {
      if (!setupToken || token.length !== setupToken.length) return false;
      return timingSafeEqual(Buffer.from(token), Buffer.from(setupToken));
    },
    consumeSetup() {
      setupToken = null;
    },
    async announceSetup(log) {
      if (config.mode !== "required" || (await store.identity.anyPasskey())) return null;
      setupToken = randomBytes(24).toString("base64url");
      log(`nobody can sign in yet: open ${config.origin}/register?setup=${setupToken} to create the owner's passkey (this link works once, until restart)`);
      return setupToken;
    },
  };
  return service;
}
