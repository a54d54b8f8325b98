import "../serverOnly";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { MessageType, SyncStep } from "./protocol";

/**
 * Reading and writing room frames (protocol.ts): the only place that touches the bytes.
 * A frame is parsed completely before anything acts on it, so a malformed one changes nothing.
 */
export type Frame =
  | { type: "sync-step1"; stateVector: Uint8Array }
  | { type: "sync-step2"; update: Uint8Array }
  | { type: "sync-update"; update: Uint8Array }
  | { type: "awareness"; update: Uint8Array }
  | { type: "query-awareness" };

export type ParsedFrame = { ok: true; frame: Frame } | { ok: false; reason: string };

const bad = (reason: string): ParsedFrame => ({ ok: false, reason });

/** Parses one binary frame from a client. Never throws. */
export function parseFrame(data: Uint8Array): ParsedFrame {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const step = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (step === SyncStep.step1) {
          Y.decodeStateVector(payload);
          return { ok: true, frame: { type: "sync-step1", stateVector: payload } };
        }
        if (step !== SyncStep.step2 && step !== SyncStep.update) return bad(`unknown sync step ${step}`);
        // NOTE: decoding the whole update up front refuses garbage before Yjs integrates any of it (yjs #479, #498).
        Y.decodeUpdate(payload);
        return { ok: true, frame: { type: step === SyncStep.step2 ? "sync-step2" : "sync-update", update: payload } };
      }
      case MessageType.awareness:
        return { ok: true, frame: { type: "awareness", update: decoding.readVarUint8Array(decoder) } };
      case MessageType.queryAwareness:
        return { ok: true, frame: { type: "query-awareness" } };
      default:
        return bad(`unknown message type ${type}`);
    }
  } catch {
    return bad("the frame is not a Yjs sync or awareness message");
  }
}

/** True for an update that carries nothing (what a client with an empty document answers). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0;
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** "Here is my state vector" (sent to every new connection). */
export const encodeSyncStep1 = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeSyncStep1(e, doc);
  });

/** Everything `doc` has that `stateVector` lacks. */
export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });

export const encodeUpdate = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeUpdate(e, update);
  });

export const encodeAwareness = (awareness: awarenessProtocol.Awareness, clients: number[]) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  });

export const encodePermissionDenied = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.auth);
    authProtocol.writePermissionDenied(e, reason);
  });
