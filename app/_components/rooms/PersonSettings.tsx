"use client";
import { useEffect, useState } from "react";
import { loadLocalPerson, PERSON_COLORS, saveLocalPerson, type LocalPerson } from "../../_rooms/localPerson";
import { inputClass } from "../ui/FormField";
import { Avatar } from "./PersonBadge";

/** The name and colour others see in rooms (kept in this browser until accounts arrive). */
export function PersonSettings({ onChange }: { onChange?: (person: LocalPerson) => void }) {
  const [person, setPerson] = useState<LocalPerson | null>(null);
  const [name, setName] = useState("");
  useEffect(() => {
    const p = loadLocalPerson();
    setPerson(p);
    setName(p.name);
  }, []);
  if (!person) return null;
  const save = (patch: { name?: string; color?: string }) => {
    const next = saveLocalPerson(patch);
    setPerson(next);
    onChange?.(next);
  };
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="person-settings">
      <Avatar name={name || person.name} color={person.color} />
      <input
        aria-label="Your name in rooms"
        data-testid="person-name"
        className={`${inputClass} max-w-48`}
        value={name}
        maxLength={60}
        onChange={(e) => setName(e.target.value)}
        onBlur={() => name.trim() && name.trim() !== person.name && save({ name: name.trim() })}
        onKeyDown={(e) => e.key === "Enter" && name.trim() && save({ name: name.trim() })}
      />
      <div className="flex gap-1" role="radiogroup" aria-label="Your colour">
        {PERSON_COLORS.map((color) => (
          <button
            key={color}
            type="button"
            role="radio"
            aria-checked={color === person.color}
            aria-label={`colour ${color}`}
            onClick={() => save({ color })}
            style={{ backgroundColor: color }}
            className={`size-5 rounded-full ${color === person.color ? "ring-2 ring-slate-900 ring-offset-1" : ""}`}
          />
        ))}
      </div>
      <span className="text-xs text-slate-500">Peer {person.peer}</span>
    </div>
  );
}
