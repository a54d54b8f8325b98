import type { ReactNode } from "react";
import type { Being } from "../../../lib/schemas";
import { beingType } from "../../_lib/beingName";
import { formatTime } from "../../_lib/formatTime";
import { EnergyPill } from "../ui/EnergyPill";
import { JsonView } from "../ui/JsonView";
import { TagChips } from "../ui/TagChips";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_1fr] items-baseline gap-3 py-2">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

const DOCS = [
  { key: "genesis", label: "Genesis" },
  { key: "attributes", label: "Attributes" },
  { key: "memories", label: "Memories" },
  { key: "self_awareness", label: "Self-awareness" },
] as const;

/** Every field of a being, read-only. */
export function BeingDetails({ being }: { being: Being }) {
  return (
    <div className="space-y-5" data-testid="being-details">
      <dl className="divide-y divide-slate-100">
        <Row label="Soul">
          <code className="font-mono text-xs break-all" data-testid="being-soul">
            {being.soul}
          </code>
        </Row>
        <Row label="Type">{beingType(being) ?? <span className="text-slate-400">—</span>}</Row>
        <Row label="Tags">
          <span data-testid="being-tags-view">
            <TagChips tags={being.tags} empty="no tags" />
          </span>
        </Row>
        <Row label="Energy">
          <span data-testid="being-energy-view">
            <EnergyPill energy={being.energy_level} />
          </span>
        </Row>
        <Row label="Branches">
          <span className="flex flex-wrap gap-1">
            {being.branches.map((b) => (
              <span key={b} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                {b}
              </span>
            ))}
          </span>
        </Row>
        <Row label="Embedding">{being.has_embedding ? "384-d vector stored" : <span className="text-slate-400">none</span>}</Row>
        <Row label="Created">{formatTime(being.created_at)}</Row>
        <Row label="Updated">{formatTime(being.updated_at)}</Row>
      </dl>
      <div className="grid gap-4 md:grid-cols-2">
        {DOCS.map(({ key, label }) => (
          <div key={key} className="min-w-0">
            <h3 className="mb-1.5 flex items-center gap-2 text-xs font-semibold text-slate-700">
              {label}
              <span className="font-normal text-slate-400">
                {Object.keys(being[key]).length} {Object.keys(being[key]).length === 1 ? "key" : "keys"}
              </span>
            </h3>
            <JsonView doc={being[key]} testId={`being-${key}-view`} />
          </div>
        ))}
      </div>
    </div>
  );
}
