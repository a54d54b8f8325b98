"use client";
import { inputClass } from "../ui/FormField";

/** The filter form as typed: strings, empty meaning "any". */
export interface FilterDraft {
  being: string;
  room: string;
  type: string;
  branch: string;
  trace: string;
  from: string;
  to: string;
}

export const EMPTY_DRAFT: FilterDraft = { being: "", room: "", type: "", branch: "", trace: "", from: "", to: "" };

const TYPES = ["being.*", "being.decision", "being.message", "being.state", "knowledge.learned", "lux.*", "sandbox.*", "system.signal", "master.*"];

/** Filters of the timeline: being, room, type, branch, trace and a time range. */
export function TimelineFilters({
  draft,
  onChange,
  rooms,
}: {
  draft: FilterDraft;
  onChange: (draft: FilterDraft) => void;
  rooms: readonly { id: string; name: string }[];
}) {
  const field = (key: keyof FilterDraft) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => onChange({ ...draft, [key]: e.target.value }),
  });
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="timeline-filters">
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        Being (soul)
        <input className={`${inputClass} font-mono`} placeholder="any being" data-testid="filter-being" {...field("being")} />
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        Room
        <select className={inputClass} data-testid="filter-room" {...field("room")}>
          <option value="">any room</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        Type
        <input className={inputClass} list="timeline-types" placeholder="any type, or a family like being.*" data-testid="filter-type" {...field("type")} />
        <datalist id="timeline-types">
          {TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        Branch
        <input className={inputClass} placeholder="any branch" {...field("branch")} />
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600 lg:col-span-2">
        Trace
        <input className={`${inputClass} font-mono`} placeholder="32 hex digits" data-testid="filter-trace" {...field("trace")} />
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        From
        <input type="datetime-local" className={inputClass} {...field("from")} />
      </label>
      <label className="grid gap-1 text-xs font-medium text-slate-600">
        To
        <input type="datetime-local" className={inputClass} {...field("to")} />
      </label>
    </div>
  );
}
