/** Marks one of the core beings, which never change. */
export function CoreBadge() {
  return (
    <span
      data-testid="core-badge"
      title="A core being: fixed forever, read-only"
      className="inline-flex items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-semibold tracking-wide text-amber-800 uppercase"
    >
      <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="size-3">
        <path
          fillRule="evenodd"
          d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z"
          clipRule="evenodd"
        />
      </svg>
      core
    </span>
  );
}
