import { flatDiff, showValue } from "../../_lib/flatDiff";

/** What differs between the chosen moment and now, one row per changed leaf. */
export function DiffTable({ then, now }: { then: unknown; now: unknown }) {
  const changes = flatDiff(then, now);
  if (changes.length === 0)
    return (
      <p className="text-sm text-emerald-700" data-testid="diff-none">
        Identical to now.
      </p>
    );
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="diff-table">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">Field</th>
            <th className="py-1 pr-3 font-medium">Then</th>
            <th className="py-1 font-medium">Now</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {changes.map((c) => (
            <tr key={c.path} className="border-t border-slate-100 align-top">
              <td className="py-1 pr-3 text-slate-700">{c.path}</td>
              <td className="py-1 pr-3 text-rose-700">{showValue(c.then)}</td>
              <td className="py-1 text-emerald-700">{showValue(c.now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
