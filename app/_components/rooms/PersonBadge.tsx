/** A round avatar with a person's initial in their colour. */
export function Avatar({ name, color, title, ring = false, testId }: { name: string; color: string; title?: string; ring?: boolean; testId?: string }) {
  return (
    <span
      data-testid={testId}
      title={title ?? name}
      style={{ backgroundColor: color }}
      className={`inline-flex size-8 shrink-0 items-center justify-center rounded-full text-xs font-semibold text-white uppercase shadow-sm ${ring ? "ring-2 ring-white" : ""}`}
    >
      {name.trim().slice(0, 1) || "?"}
    </span>
  );
}
