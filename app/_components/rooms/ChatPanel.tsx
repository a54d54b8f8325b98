"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { RoomState } from "../../../lib/rooms";
import { errorMessage } from "../../_lib/errorMessage";
import type { LocalPerson } from "../../_rooms/localPerson";
import type { RoomConnection } from "../../_rooms/RoomConnection";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";

/** Person↔being and being↔being messages across peers; a person writes to the room or to one being. */
export function ChatPanel({
  connection,
  room,
  person,
  mine,
  readOnly,
  roomId,
}: {
  connection: RoomConnection;
  room: RoomState;
  person: LocalPerson;
  mine: readonly string[];
  readOnly: boolean;
  roomId: string;
}) {
  const [text, setText] = useState("");
  const [to, setTo] = useState(`room:${roomId}`);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const presence = connection.snapshot().presence;
  const nameOf = (who: string) => {
    if (who === `room:${roomId}`) return "everyone";
    if (who === "master") return "master";
    if (who === person.id) return `${person.name} (you)`;
    const being = room.roster.get(who as never);
    if (being) return being.name;
    return presence.find((p) => p.id === who)?.name ?? (who.startsWith("person:") ? "a person" : who.slice(0, 8));
  };
  const isBeing = (who: string) => room.roster.has(who as never);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [room.messages.length]);

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      connection.room.sendMessage({
        id: `${person.peer}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
        from: person.id,
        to,
        text: text.trim(),
        at: Date.now(),
      });
      setText("");
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Panel
      title="Chat"
      description="Talk to the room or to one being; beings answer, greet each other across browsers and negotiate who takes what."
      testId="chat"
    >
      <ol ref={list} className="mb-3 grid max-h-80 content-start gap-2 overflow-y-auto pr-1" data-testid="chat-messages">
        {room.messages.length === 0 && <li className="text-sm text-slate-500">No messages yet.</li>}
        {room.messages.map((m) => (
          <li
            key={m.id}
            data-testid="chat-message"
            data-from={m.from}
            data-to={m.to}
            data-kind={isBeing(m.from) && isBeing(m.to) ? "being-to-being" : "other"}
            className={`rounded-lg px-3 py-2 text-sm ${m.from === person.id ? "bg-indigo-50" : isBeing(m.from) ? "bg-slate-50" : "bg-white ring-1 ring-slate-200"} ${mine.includes(m.from) ? "border-l-2 border-indigo-300" : ""}`}
          >
            <p className="text-xs text-slate-500">
              <span className="font-medium text-slate-700">{nameOf(m.from)}</span> → {nameOf(m.to)} · {new Date(m.at).toLocaleTimeString()}
            </p>
            <p className="mt-0.5 break-words whitespace-pre-wrap text-slate-800">{m.text}</p>
          </li>
        ))}
      </ol>
      {!readOnly && (
        <form onSubmit={send} className="flex flex-wrap gap-2" data-testid="chat-form">
          <select aria-label="To" data-testid="chat-to" className={`${inputClass} w-40`} value={to} onChange={(e) => setTo(e.target.value)}>
            <option value={`room:${roomId}`}>Everyone</option>
            {[...room.roster].map(([soul, entry]) => (
              <option key={soul} value={soul}>
                {entry.name}
              </option>
            ))}
          </select>
          <input
            aria-label="Message"
            data-testid="chat-text"
            className={`${inputClass} min-w-40 flex-1`}
            value={text}
            maxLength={16000}
            placeholder='Say something, or "skip <task id>: why" to steer the beings'
            onChange={(e) => setText(e.target.value)}
          />
          <Button type="submit" variant="primary" data-testid="chat-send" disabled={!text.trim()}>
            Send
          </Button>
        </form>
      )}
      {error && <p className="mt-2 text-xs text-rose-700">{error}</p>}
    </Panel>
  );
}
