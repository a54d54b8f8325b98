"use client";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { RoomState } from "../../lib/rooms";
import { useTRPCClient } from "../_trpc/client";
import { useSwarm } from "../_swarm/useSwarm";
import { loadLocalPerson, type LocalPerson } from "./localPerson";
import { RoomAgentRunner } from "./RoomAgentRunner";
import { addRoomBeing, loadRoomBeings, removeRoomBeing } from "./roomBeings";
import { RoomConnection, type ConnectionState } from "./RoomConnection";

declare global {
  interface Window {
    /** The e2e hook: the open room's connection (its doc and provider state). */
    __luxosRoom?: { connection: RoomConnection };
  }
}

const INITIAL: ConnectionState = {
  status: "connecting",
  synced: false,
  localLoaded: false,
  role: null,
  expiresAt: null,
  problem: null,
  presence: [],
  roleChanges: 0,
};
const noop = () => () => {};

export interface UseRoom {
  readonly connection: RoomConnection | null;
  readonly state: ConnectionState;
  /** The room document as checked plain data; re-read after every change. */
  readonly room: RoomState | null;
  readonly person: LocalPerson | null;
  /** Souls of this browser's beings in the room. */
  readonly mine: readonly string[];
  readonly addBeing: (soul: string) => void;
  readonly removeBeing: (soul: string) => void;
  /** Problems the room agents of this browser's beings ran into, newest last. */
  readonly agentErrors: readonly string[];
}

/** Opens room `roomId` with `token` for as long as the component is mounted, and runs this browser's beings in it. */
export function useRoom(roomId: string, token: string | null): UseRoom {
  const client = useTRPCClient();
  const { host } = useSwarm();
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  const [person, setPerson] = useState<LocalPerson | null>(null);
  const [mine, setMine] = useState<readonly string[]>([]);
  const [room, setRoom] = useState<RoomState | null>(null);
  const [agentErrors, setAgentErrors] = useState<readonly string[]>([]);
  const mineRef = useRef<readonly string[]>([]);
  mineRef.current = mine;

  useEffect(() => {
    if (!token) return;
    const me = loadLocalPerson();
    setPerson(me);
    setMine(loadRoomBeings(roomId));
    let live = true;
    let opened: RoomConnection | null = null;
    const unsubscribe: (() => void)[] = [];
    const wsBase = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/rooms`;
    void RoomConnection.create({ roomId, token, wsBase, person: me, check: (t) => client.rooms.checkInvite.query({ room: roomId, token: t }) }).then((c) => {
      if (!live) return c.close();
      opened = c;
      setConnection(c);
      const reread = () => setRoom(c.room.read());
      reread();
      for (const part of ["roster", "board", "messages", "notes"] as const) unsubscribe.push(c.room.observe(part, reread));
      window.__luxosRoom = { connection: c };
    });
    return () => {
      live = false;
      for (const stop of unsubscribe) stop();
      opened?.close();
      setConnection(null);
    };
  }, [roomId, token, client]);

  const state = useSyncExternalStore(
    connection ? (cb) => connection.onChange(cb) : noop,
    () => connection?.snapshot() ?? INITIAL,
    () => INITIAL,
  );

  useEffect(() => {
    if (!connection || !host || !person) return;
    const runner = new RoomAgentRunner(
      connection.room,
      roomId,
      person.peer,
      host,
      () => mineRef.current,
      (soul, error) => setAgentErrors((list) => [...list.slice(-9), `${soul.slice(0, 8)}: ${error instanceof Error ? error.message : String(error)}`]),
      () => connection.readOnly,
      () => {
        const snapshot = connection.snapshot();
        if (snapshot.status !== "connected" || !snapshot.synced) return null;
        return new Set(snapshot.presence.map((p) => p.peer).filter((peer): peer is string => peer !== null));
      },
    );
    return () => runner.close();
  }, [connection, host, person, roomId]);

  const addBeing = useCallback((soul: string) => setMine(addRoomBeing(roomId, soul)), [roomId]);
  const removeBeing = useCallback(
    (soul: string) => {
      setMine(removeRoomBeing(roomId, soul));
      if (connection && connection.room.roster().get(soul as never)) connection.room.setStatus(soul as never, "left", Date.now());
    },
    [roomId, connection],
  );

  return { connection, state, room, person, mine, addBeing, removeBeing, agentErrors };
}
