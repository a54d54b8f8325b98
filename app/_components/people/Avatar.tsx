/** A person's round avatar: their initial on their colour. */
export function Avatar({ name, colour, size = "md" }: { name: string; colour: string; size?: "sm" | "md" }) {
  return (
    <span
      aria-hidden
      style={{ backgroundColor: colour }}
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white shadow-sm ${size === "sm" ? "size-6 text-[11px]" : "size-8 text-sm"}`}
    >
      {name.trim().charAt(0).toUpperCase() || "?"}
    </span>
  );
}
