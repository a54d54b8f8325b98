import type { EventEnvelope } from "../../../lib/events/eventEnvelope";

/** One colour per event family, the same in the strip, the list and the waterfall. */
const FAMILY_COLOURS: Record<string, string> = {
  "being.decision": "#6366f1",
  "being.message": "#0ea5e9",
  "being.state": "#f59e0b",
  "being.goal": "#8b5cf6",
  "knowledge.learned": "#10b981",
  "lux.step": "#14b8a6",
  "sandbox.call": "#ec4899",
  "master.restore": "#ef4444",
  "master.write": "#f97316",
  "system.signal": "#64748b",
};

export function eventColour(type: string): string {
  return FAMILY_COLOURS[type] ?? FAMILY_COLOURS[type.split(".").slice(0, 2).join(".")] ?? "#94a3b8";
}

const str = (value: unknown) => (typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value));

/** One line a person can read: what the event says, without opening its data. */
export function eventSummary(event: EventEnvelope): string {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case "being.decision": {
      const confidence = typeof d["confidence"] === "number" ? ` (${Math.round(d["confidence"] * 100)}% sure)` : "";
      const rejected = Array.isArray(d["alternatives"]) && d["alternatives"].length > 0 ? `; rejected ${d["alternatives"].length}` : "";
      return `${str(d["layer"])}: ${str(d["decision"])}${confidence} — ${str(d["rationale"])}${rejected}`;
    }
    case "being.message":
      return `→ ${str(d["to"])}: ${str(d["text"])}`;
    case "being.state":
      return `${str(d["target"])} changed${d["reversible"] === false ? " (not reversible)" : ""}`;
    case "system.signal":
      return `${str(d["signal"])}${d["reason"] ? ` — ${str(d["reason"])}` : ""}`;
    case "knowledge.learned":
      return `learned: ${str(d["text"])}`;
    case "master.write":
      return `${str(d["op"])} ${str(d["target"])} (journal entry ${str(d["journal_seq"])})`;
    case "master.restore":
      return `restored ${str(d["target"])} to journal entry ${str(d["restored_from_seq"])}`;
    default: {
      const text = JSON.stringify(event.data);
      return text.length > 160 ? `${text.slice(0, 157)}…` : text;
    }
  }
}

/** A soul shortened for a label; master and rooms as they are. */
export function shortSource(source: string): string {
  return /^[0-9a-f]{8}-/.test(source) ? source.slice(0, 8) : source.length > 24 ? `${source.slice(0, 23)}…` : source;
}
