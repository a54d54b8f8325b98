"use client";
import type { RoomConnection } from "../../_rooms/RoomConnection";
import { Panel } from "../ui/Panel";

/** The smallest edit that turns `before` into `after`: where it starts, how much goes, what comes in. */
export function textEdit(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/** The room's shared notes (a Y.Text): typing merges with everyone else's, character by character. */
export function NotesPanel({ connection, notes, readOnly }: { connection: RoomConnection; notes: string; readOnly: boolean }) {
  return (
    <Panel title="Shared notes" description="Everyone in the room edits the same text; edits made offline merge when you are back." testId="notes">
      <textarea
        aria-label="Shared notes"
        data-testid="notes-text"
        readOnly={readOnly}
        className="min-h-32 w-full rounded-lg border border-slate-200 p-3 text-sm text-slate-800 focus:border-indigo-400 focus:outline-none read-only:bg-slate-50"
        value={notes}
        placeholder={readOnly ? "No notes yet." : "Plans, links, decisions…"}
        onChange={(e) => {
          const edit = textEdit(connection.room.notes(), e.target.value);
          if (edit.remove > 0) connection.room.deleteNotes(edit.index, edit.remove);
          if (edit.insert) connection.room.insertNotes(edit.index, edit.insert);
        }}
      />
    </Panel>
  );
}
