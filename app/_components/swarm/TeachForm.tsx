"use client";
import { useState, type FormEvent } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import { Button } from "../ui/Button";
import { inputClass } from "../ui/FormField";

/** One fact per line, blank lines skipped. */
export function factsFrom(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * Teaches a running being, one fact per line: each becomes a fact in its micro-world and an event
 * in its outbox, sent to the master exactly once whenever it is reachable (offline too).
 */
export function TeachForm({ learn }: { learn: (facts: string[]) => Promise<number> }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const facts = factsFrom(text);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (facts.length === 0) return;
    setBusy(true);
    setOutcome(null);
    learn(facts)
      .then(
        (n) => {
          setText("");
          setOutcome({
            ok: true,
            text: `Learned ${n.toLocaleString("en")} ${n === 1 ? "fact" : "facts"}; ${n === 1 ? "it goes" : "they go"} to the master through the outbox.`,
          });
        },
        (e: unknown) => setOutcome({ ok: false, text: errorMessage(e) }),
      )
      .finally(() => setBusy(false));
  };

  if (!open) {
    return (
      <div className="flex items-center gap-2">
        <button type="button" onClick={() => setOpen(true)} data-testid="being-teach-open" className="text-xs font-medium text-indigo-700 hover:underline">
          Teach…
        </button>
        {outcome && (
          <span data-testid="being-teach-result" className={`truncate text-xs ${outcome.ok ? "text-emerald-700" : "text-rose-700"}`}>
            {outcome.text}
          </span>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-2" data-testid="being-teach">
      <label className="block text-xs font-medium text-slate-700">
        Teach facts <span className="font-normal text-slate-500">(one per line)</span>
        <textarea
          data-testid="being-teach-input"
          className={`${inputClass} mt-1 text-xs`}
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={"Water boils at 100 °C at sea level.\nThe swarm meets at dawn."}
        />
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={busy || facts.length === 0} data-testid="being-teach-submit">
          {facts.length > 1 ? `Teach ${facts.length.toLocaleString("en")} facts` : "Teach"}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Close
        </Button>
        {outcome && (
          <span
            role={outcome.ok ? "status" : "alert"}
            data-testid="being-teach-result"
            className={`text-xs ${outcome.ok ? "text-emerald-700" : "text-rose-700"}`}
          >
            {outcome.text}
          </span>
        )}
      </div>
    </form>
  );
}
