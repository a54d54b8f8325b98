/** A small spinning ring for work in progress; `label` is read by screen readers. */
export function Spinner({ label = "Loading", className = "size-4" }: { label?: string; className?: string }) {
  return (
    <span
      role="status"
      aria-label={label}
      className={`inline-block shrink-0 animate-spin rounded-full border-2 border-current border-r-transparent ${className}`}
    />
  );
}
