/** Tags as small rounded chips; `core` gets its own colour. */
export function TagChips({ tags, empty = "—", max }: { tags: readonly string[]; empty?: string; max?: number }) {
  if (tags.length === 0) return <span className="text-xs text-slate-400">{empty}</span>;
  const shown = max !== undefined ? tags.slice(0, max) : tags;
  return (
    <span className="flex flex-wrap gap-1" data-testid="tag-chips">
      {shown.map((tag) => (
        <span
          key={tag}
          data-testid="tag-chip"
          className={`inline-flex max-w-[12rem] items-center truncate rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
            tag === "core" ? "bg-amber-50 text-amber-800 ring-amber-200" : "bg-indigo-50 text-indigo-700 ring-indigo-200"
          }`}
        >
          {tag}
        </span>
      ))}
      {shown.length < tags.length && <span className="text-xs text-slate-500">+{tags.length - shown.length}</span>}
    </span>
  );
}
