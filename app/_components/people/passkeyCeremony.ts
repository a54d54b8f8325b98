"use client";
import { startAuthentication, startRegistration, WebAuthnError } from "@simplewebauthn/browser";

type RegistrationOptions = Parameters<typeof startRegistration>[0]["optionsJSON"];
type AuthenticationOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

/** Words for a failed passkey prompt: a cancelled prompt is not an error the person needs explained at length. */
export function passkeyProblem(error: unknown): string {
  if (error instanceof WebAuthnError && error.code === "ERROR_CEREMONY_ABORTED") return "The passkey prompt was cancelled.";
  if (error instanceof Error && error.name === "NotAllowedError") return "The passkey prompt was cancelled or timed out: try again.";
  if (error instanceof Error && error.name === "InvalidStateError") return "This device already holds a passkey for you here.";
  return error instanceof Error ? error.message : String(error);
}

/** Asks the browser to create a passkey from the server's options (WebAuthn registration). */
export function createPasskey(options: unknown) {
  return startRegistration({ optionsJSON: options as RegistrationOptions });
}

/** Asks the browser to sign the server's challenge with one of its passkeys (WebAuthn authentication). */
export function signWithPasskey(options: unknown) {
  return startAuthentication({ optionsJSON: options as AuthenticationOptions });
}
