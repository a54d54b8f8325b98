import type { JsonObject } from "../../../lib/jsonMergePatch";

/** A JSON document, pretty-printed; an empty one says so. */
export function JsonView({ doc, testId }: { doc: JsonObject; testId?: string }) {
  if (Object.keys(doc).length === 0)
    return (
      <p data-testid={testId} className="text-sm text-slate-400 italic">
        empty
      </p>
    );
  return (
    <pre data-testid={testId} className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
      {JSON.stringify(doc, null, 2)}
    </pre>
  );
}
