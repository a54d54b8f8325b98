"use client";
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "../../_lib/errorMessage";
import type { SwarmHost } from "../../_swarm/SwarmHost";
import type { ReasonerChoice } from "../../../workers/being/api";
import { Button } from "../ui/Button";
import { FormField, inputClass } from "../ui/FormField";
import { Panel } from "../ui/Panel";
import { reasonerOptions, type ReasonerOption } from "./reasonerOptions";

/** Spawns a being: its master record first, then its worker. */
export function SpawnForm({ host }: { host: SwarmHost | null }) {
  const [name, setName] = useState("");
  const [personality, setPersonality] = useState("curious and careful");
  const [goal, setGoal] = useState("learn about the swarm");
  const [reasoner, setReasoner] = useState<ReasonerChoice>("deterministic");
  const [options, setOptions] = useState<ReasonerOption[] | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void reasonerOptions().then(setOptions);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!host || name.trim() === "") return;
    setPending(true);
    setError(null);
    host
      .spawn({ name: name.trim(), personality: personality.trim(), goal: goal.trim(), reasoner })
      .then(() => setName(""))
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setPending(false));
  };

  return (
    <Panel title="Spawn a being" description="Creates its record at the master, then gives it a worker and a micro-world in this browser." testId="spawn-panel">
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-2">
        <FormField label="Name" htmlFor="spawn-name">
          <input
            id="spawn-name"
            data-testid="spawn-name"
            className={inputClass}
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            placeholder="e.g. Ada"
            required
          />
        </FormField>
        <FormField label="Personality" htmlFor="spawn-personality">
          <input
            id="spawn-personality"
            data-testid="spawn-personality"
            className={inputClass}
            value={personality}
            onChange={(e) => setPersonality(e.target.value)}
            maxLength={2000}
          />
        </FormField>
        <FormField
          label="Goal or program"
          htmlFor="spawn-goal"
          hint="Supervision plans for it; the being takes it up again when idle."
          className="md:col-span-2"
        >
          <input id="spawn-goal" data-testid="spawn-goal" className={inputClass} value={goal} onChange={(e) => setGoal(e.target.value)} maxLength={4000} />
        </FormField>
        <fieldset className="md:col-span-2">
          <legend className="mb-1 text-xs font-medium text-slate-700">Reasoner</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            {(options ?? []).map((o) => (
              <label
                key={o.choice}
                data-testid={`spawn-reasoner-${o.choice}`}
                data-available={o.available}
                className={`flex cursor-pointer gap-2 rounded-lg p-2.5 text-xs ring-1 ring-inset ${reasoner === o.choice ? "bg-indigo-50 ring-indigo-300" : "ring-slate-200 hover:bg-slate-50"}`}
              >
                <input
                  type="radio"
                  name="reasoner"
                  value={o.choice}
                  checked={reasoner === o.choice}
                  onChange={() => setReasoner(o.choice)}
                  className="mt-0.5"
                />
                <span className="min-w-0">
                  <span className="flex items-center gap-1.5 font-medium text-slate-800">
                    {o.label}
                    <span className={`rounded px-1 text-[10px] ${o.available ? "bg-emerald-100 text-emerald-700" : "bg-slate-100 text-slate-500"}`}>
                      {o.available ? "available" : "falls back"}
                    </span>
                  </span>
                  <span className="mt-0.5 block text-slate-500">{o.why}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex items-center gap-3 md:col-span-2">
          <Button type="submit" variant="primary" disabled={!host || pending || name.trim() === ""} data-testid="spawn-submit">
            {pending ? "Spawning…" : "Spawn"}
          </Button>
          {!host && <span className="text-xs text-slate-500">Starting the swarm host…</span>}
          {error && (
            <p role="alert" data-testid="spawn-error" className="text-xs text-rose-700">
              {error}
            </p>
          )}
        </div>
      </form>
    </Panel>
  );
}
