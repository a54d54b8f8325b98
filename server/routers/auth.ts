import "../serverOnly";
import { randomBytes } from "node:crypto";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MAX_NAME_LENGTH } from "../../lib/constants";
import { SESSION_TTL_MS } from "../auth/constants";
import { clearedSessionCookie, sessionCookie } from "../auth/cookies";
import type { AuthService, Ceremony } from "../auth/createAuthService";
import type { Person } from "../db/identity";
import { inviteRoom, verifyInvite } from "../rooms/inviteToken";
import { createTRPCRouter, publicProcedure, type Context } from "../trpc";
import { acceptInvite } from "./rooms";

const RP_NAME = "LuxOS";
const name = z.string().trim().min(1, "a name cannot be empty").max(MAX_NAME_LENGTH, `a name is at most ${MAX_NAME_LENGTH} characters`);
const colour = z.string().regex(/^#[0-9a-f]{6}$/iu, "a colour is #rrggbb, such as #0ea5e9");
const label = z.string().trim().min(1).max(60, "a passkey's label is at most 60 characters");
const b64url = z
  .string()
  .max(65_536)
  .regex(/^[A-Za-z0-9_-]*$/u, "must be base64url");
/** A browser's answer to navigator.credentials.create / get, as @simplewebauthn/browser sends it; the library checks the rest. */
const credentialResponse = z.looseObject({
  id: b64url,
  rawId: b64url,
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: b64url }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

function publicPerson(p: Person) {
  return { soul: p.soul, name: p.name, colour: p.colour, server_owner: p.server_owner };
}

/** The passkey service of an HTTP server, in LUXOS_AUTH=required; in-process callers and local mode are told why not. */
function requireService(ctx: Context): AuthService {
  const service = ctx.auth.service;
  if (!service) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Passkeys work through the server's HTTP API only." });
  if (service.config.mode !== "required")
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "This server runs with LUXOS_AUTH=local: you are its owner already and need no passkey. Start it with LUXOS_AUTH=required for sign-in.",
    });
  return service;
}

/** Sign-in and registration are rate-limited per IP (429 with Retry-After). */
function limitSignIn(ctx: Context, service: AuthService): void {
  const wait = service.limits.signIn.take(`ip:${ctx.auth.ip}`);
  if (wait === 0) return;
  ctx.auth.addHeader("retry-after", String(wait));
  throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `Too many sign-in attempts from this address: wait ${wait} s and try again.` });
}

function signedInSoul(ctx: Context): string {
  const soul = ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
  if (!soul) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first (open /signin)." });
  return soul;
}

/** The ceremony a browser's answer belongs to, by the challenge inside its clientDataJSON; taken once. */
function ceremonyOf<K extends Ceremony["kind"]>(
  service: AuthService,
  clientDataJSON: string,
  kind: K,
): { challenge: string; ceremony: Extract<Ceremony, { kind: K }> } {
  let challenge = "";
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "challenge" in parsed && typeof parsed.challenge === "string") challenge = parsed.challenge;
  } catch {
    // unreadable: no ceremony
  }
  const ceremony = service.take(challenge);
  if (ceremony?.kind !== kind) throw new TRPCError({ code: "BAD_REQUEST", message: "This passkey prompt expired or was already used: start again." });
  return { challenge, ceremony: ceremony as Extract<Ceremony, { kind: K }> };
}

/** Starts a fresh session for `person` (rotation: the one the request came with ends) and sets its cookie. */
async function startSession(ctx: Context, service: AuthService, person: string): Promise<void> {
  if (ctx.auth.sessionToken) await ctx.store.identity.revokeSession(ctx.auth.sessionToken);
  const session = await ctx.store.identity.createSession(person, SESSION_TTL_MS);
  ctx.auth.addHeader("set-cookie", sessionCookie(service.config, session.token, session.expiresAt));
}

async function verifyNewPasskey(service: AuthService, response: z.infer<typeof credentialResponse>, challenge: string) {
  const verification = await verifyRegistrationResponse({
    response: response as unknown as RegistrationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: service.config.origin,
    expectedRPID: service.config.rpId,
    requireUserVerification: false,
  }).catch((error: unknown) => {
    throw new TRPCError({ code: "BAD_REQUEST", message: `The passkey was not accepted: ${error instanceof Error ? error.message : String(error)}` });
  });
  if (!verification.verified) throw new TRPCError({ code: "BAD_REQUEST", message: "The passkey was not accepted: try again." });
  return verification.registrationInfo.credential;
}

/** Who is asking, sign-in with passkeys, sessions, and a person's own passkeys (issue 10). */
export const authRouter = createTRPCRouter({
  /**
   * Who am I: the signed-in person, or null. In LUXOS_AUTH=local the caller is the owner: their
   * person is made on the first visit and a session cookie set, so nothing needs setting up.
   */
  me: publicProcedure.meta({ access: { kind: "anyone" } }).query(async ({ ctx }) => {
    const service = ctx.auth.service;
    let person = ctx.auth.person;
    if (ctx.auth.mode === "local" && service) {
      person = await service.localOwner();
      if (!ctx.auth.sessionToken || ctx.auth.person?.soul !== person.soul) await startSession(ctx, service, person.soul);
    }
    return { mode: ctx.auth.mode, person: person ? publicPerson(person) : null };
  }),

  /** What an invite link offers, for the page it opens: the room's name and the role, and whether it can still be used. */
  invite: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(z.strictObject({ token: z.string().min(1).max(4096) }))
    .query(async ({ ctx, input }) => {
      const room = inviteRoom(input.token);
      const check = ctx.roomSecret ? verifyInvite(ctx.roomSecret, input.token, room) : undefined;
      if (!check?.ok) return { ok: false as const, message: check?.message ?? "This server cannot check invites." };
      if (!(await ctx.store.identity.invitePending(input.token)))
        return { ok: false as const, message: "This invite was already used or revoked: ask the room's owner for a new invite link." };
      const info = await ctx.store.rooms.get(room);
      return { ok: true as const, room: { id: info.id, name: info.name }, role: check.invite.role, expires_at: new Date(check.invite.exp).toISOString() };
    }),

  /** Step 1 of registering: with an invite token, or the one-time setup token the server printed (the owner). */
  registerOptions: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(z.strictObject({ name, invite: z.string().max(4096).optional(), setup: z.string().max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const service = requireService(ctx);
      limitSignIn(ctx, service);
      let userHandle = randomBytes(32).toString("base64url");
      if (input.setup !== undefined) {
        if (!service.checkSetup(input.setup))
          throw new TRPCError({
            code: "FORBIDDEN",
            message: "This setup link is not valid (it works once, until restart): use the one the server printed last.",
          });
        const owner = await ctx.store.identity.serverOwner();
        if (owner) userHandle = await ctx.store.identity.userHandle(owner.soul);
      } else if (input.invite !== undefined) {
        const check = ctx.roomSecret ? verifyInvite(ctx.roomSecret, input.invite, inviteRoom(input.invite)) : undefined;
        if (!check?.ok) throw new TRPCError({ code: "BAD_REQUEST", message: check?.message ?? "This server cannot check invites." });
        if (!(await ctx.store.identity.invitePending(input.invite)))
          throw new TRPCError({ code: "CONFLICT", message: "This invite was already used or revoked: ask the room's owner for a new invite link." });
      } else {
        throw new TRPCError({ code: "FORBIDDEN", message: "Registering needs an invite link from a room's owner." });
      }
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: service.config.rpId,
        userName: input.name,
        userDisplayName: input.name,
        userID: Buffer.from(userHandle, "base64url"),
        attestationType: "none",
        authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
      });
      service.begin(options.challenge, {
        kind: "register",
        name: input.name,
        userHandle,
        ...(input.invite !== undefined && { invite: input.invite }),
        ...(input.setup !== undefined && { setup: true }),
      });
      return options;
    }),

  /** Step 2 of registering: checks the new passkey, makes the person (or claims the owner) and signs them in. */
  register: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(z.strictObject({ response: credentialResponse, label: label.optional() }))
    .mutation(async ({ ctx, input }) => {
      const service = requireService(ctx);
      limitSignIn(ctx, service);
      const { challenge, ceremony } = ceremonyOf(service, input.response.response.clientDataJSON, "register");
      const credential = await verifyNewPasskey(service, input.response, challenge);
      let person: Person;
      if (ceremony.setup) {
        const owner = await ctx.store.identity.serverOwner();
        person = owner
          ? await ctx.store.identity.updatePerson(owner.soul, { name: ceremony.name })
          : await ctx.store.identity.createPerson({ name: ceremony.name, serverOwner: true, userHandle: ceremony.userHandle });
        service.consumeSetup();
      } else {
        person = await ctx.store.identity.createPerson({ name: ceremony.name, serverOwner: false, userHandle: ceremony.userHandle });
        try {
          await acceptInvite(ctx, ceremony.invite ?? "", person.soul);
        } catch (error) {
          await ctx.store.beings.delete(person.soul);
          throw error;
        }
      }
      await ctx.store.identity.addPasskey({
        id: credential.id,
        person_soul: person.soul,
        public_key: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports ?? [],
        label: input.label ?? "First passkey",
      });
      await startSession(ctx, service, person.soul);
      return { person: publicPerson(person) };
    }),

  /** Step 1 of signing in: a challenge for any passkey of this server (the browser offers the ones it holds). */
  signInOptions: publicProcedure.meta({ access: { kind: "anyone" } }).mutation(async ({ ctx }) => {
    const service = requireService(ctx);
    limitSignIn(ctx, service);
    const options = await generateAuthenticationOptions({ rpID: service.config.rpId, userVerification: "preferred" });
    service.begin(options.challenge, { kind: "sign-in" });
    return options;
  }),

  /** Step 2 of signing in: checks the passkey's signature and starts a new session (the old one ends). */
  signIn: publicProcedure
    .meta({ access: { kind: "anyone" } })
    .input(z.strictObject({ response: credentialResponse }))
    .mutation(async ({ ctx, input }) => {
      const service = requireService(ctx);
      limitSignIn(ctx, service);
      const { challenge } = ceremonyOf(service, input.response.response.clientDataJSON, "sign-in");
      const passkey = await ctx.store.identity.getPasskey(input.response.id);
      const refused = new TRPCError({
        code: "UNAUTHORIZED",
        message: "This passkey is not registered here (it may have been revoked): use another one, or ask for an invite.",
      });
      if (!passkey) throw refused;
      const verification = await verifyAuthenticationResponse({
        response: input.response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: service.config.origin,
        expectedRPID: service.config.rpId,
        credential: { id: passkey.id, publicKey: new Uint8Array(passkey.public_key), counter: passkey.counter, transports: passkey.transports },
        requireUserVerification: false,
      }).catch(() => ({ verified: false, authenticationInfo: undefined }));
      if (!verification.verified || !verification.authenticationInfo) throw refused;
      await ctx.store.identity.touchPasskey(passkey.id, verification.authenticationInfo.newCounter);
      await startSession(ctx, service, passkey.person_soul);
      const person = await ctx.store.identity.getPerson(passkey.person_soul);
      return { person: person ? publicPerson(person) : null };
    }),

  /** Ends this session on the server and clears its cookie. */
  signOut: publicProcedure.meta({ access: { kind: "person" } }).mutation(async ({ ctx }) => {
    const service = requireService(ctx);
    if (ctx.auth.sessionToken) await ctx.store.identity.revokeSession(ctx.auth.sessionToken);
    ctx.auth.addHeader("set-cookie", clearedSessionCookie(service.config));
    return { signed_out: true };
  }),

  /** Changes the signed-in person's display name or avatar colour. */
  updateMe: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ name: name.optional(), colour: colour.optional() }))
    .mutation(async ({ ctx, input }) => ({ person: publicPerson(await ctx.store.identity.updatePerson(signedInSoul(ctx), input)) })),

  /** The signed-in person's passkeys (never their keys). */
  passkeys: publicProcedure.meta({ access: { kind: "person" } }).query(async ({ ctx }) => {
    const soul = ctx.auth.principal.kind === "person" ? ctx.auth.principal.soul : null;
    const keys = soul ? await ctx.store.identity.passkeys(soul) : [];
    return { items: keys.map((k) => ({ id: k.id, label: k.label, created_at: k.created_at, last_used_at: k.last_used_at })) };
  }),

  addPasskeyOptions: publicProcedure.meta({ access: { kind: "person" } }).mutation(async ({ ctx }) => {
    const service = requireService(ctx);
    const soul = signedInSoul(ctx);
    const person = (await ctx.store.identity.getPerson(soul))!;
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: service.config.rpId,
      userName: person.name,
      userDisplayName: person.name,
      userID: Buffer.from(await ctx.store.identity.userHandle(soul), "base64url"),
      attestationType: "none",
      excludeCredentials: (await ctx.store.identity.passkeys(soul)).map((k) => ({ id: k.id, transports: k.transports })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    service.begin(options.challenge, { kind: "add-passkey", person: soul });
    return options;
  }),

  addPasskey: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ response: credentialResponse, label: label.optional() }))
    .mutation(async ({ ctx, input }) => {
      const service = requireService(ctx);
      const soul = signedInSoul(ctx);
      const { challenge, ceremony } = ceremonyOf(service, input.response.response.clientDataJSON, "add-passkey");
      if (ceremony.person !== soul) throw new TRPCError({ code: "FORBIDDEN", message: "This passkey prompt was started by someone else: start again." });
      const credential = await verifyNewPasskey(service, input.response, challenge);
      const count = (await ctx.store.identity.passkeys(soul)).length;
      await ctx.store.identity.addPasskey({
        id: credential.id,
        person_soul: soul,
        public_key: credential.publicKey,
        counter: credential.counter,
        transports: credential.transports ?? [],
        label: input.label ?? `Passkey ${count + 1}`,
      });
      return { id: credential.id };
    }),

  /** Removes one of the signed-in person's passkeys; the last one stays (they could never sign in again). */
  revokePasskey: publicProcedure
    .meta({ access: { kind: "person" } })
    .input(z.strictObject({ id: b64url.min(1) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.store.identity.revokePasskey(signedInSoul(ctx), input.id);
      return { id: input.id, revoked: true };
    }),
});
