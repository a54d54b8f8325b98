import { describe, expect, it } from "vitest";
import { createRandom, type Random } from "../random";
import { classify } from "./classify";
import { SNAPSHOT_EVERY, MUTATION_ADDED_RATIO } from "./constants";
import { planEvolve } from "./evolve";
import { readGenesis, type Genesis } from "./genesisDocument";
import { reconstruct, type VersionRecord } from "./versions";

const SEEDS = 300;
const STEPS = 40;
const FRAGMENTS = ["def f(x):", "    return x", "", "  ", "# ünïcödé ✓", "x = 1\r", "\t", "pass", "return self.y", "😀 emoji", "a\rb"];

/** Lines as jsdiff sees them: each keeps its newline; the last may have none. */
const linesOf = (text: string) => (text === "" ? [] : text.split(/(?<=\n)/));

/** The oracle: `after` only adds lines iff the lines of `before` are a subsequence of its lines. */
function isPureAddition(before: string, after: string): boolean {
  const a = linesOf(before);
  let i = 0;
  for (const line of linesOf(after)) if (i < a.length && a[i] === line) i++;
  return i === a.length;
}

function randomLine(r: Random): string {
  return r.bool(0.8) ? r.pick(FRAGMENTS) : String.fromCharCode(...Array.from({ length: r.int(0, 6) }, () => r.int(32, 0x24f)));
}

function edit(r: Random, text: string): string {
  const lines = linesOf(text);
  switch (r.int(0, 5)) {
    case 0: // append lines
    case 1: {
      const at = r.int(0, lines.length);
      const fresh = Array.from({ length: r.int(1, 3) }, () => `${randomLine(r)}\n`);
      if (at === lines.length && lines.length && !lines[at - 1]!.endsWith("\n")) lines[at - 1] += "\n";
      lines.splice(at, 0, ...fresh);
      return lines.join("");
    }
    case 2: // delete a line
      if (lines.length) lines.splice(r.int(0, lines.length - 1), 1);
      return lines.join("");
    case 3: // change a line
      if (lines.length) lines[r.int(0, lines.length - 1)] = `${randomLine(r)}\n`;
      return lines.join("");
    case 4: // toggle the final newline
      return text.endsWith("\n") ? text.slice(0, -1) : `${text}\n`;
    default: // rewrite
      return Array.from({ length: r.int(0, 8) }, () => randomLine(r)).join(r.bool() ? "\n" : "\r\n");
  }
}

interface ModelBeing {
  soul: string;
  genesis: Genesis;
  records: VersionRecord[];
  /** What each stored version's text was when it was saved. */
  saved: Map<number, string>;
}

describe("genesis property", () => {
  it(`rebuilds every version byte for byte and classifies as the rule says (${SEEDS} seeds × ${STEPS} edits)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = createRandom(seed);
      const beings: ModelBeing[] = [{ soul: "s0", genesis: readGenesis({ name: "f", type: "function" }), records: [], saved: new Map() }];
      for (let step = 0; step < STEPS; step++) {
        const being = r.pick(beings);
        if (r.bool(0.05)) {
          // an edit outside evolve (beings.update)
          being.genesis = { ...being.genesis, source: edit(r, being.genesis.source) };
          continue;
        }
        const before = being.genesis.source;
        const after = edit(r, before);
        const c = classify(before, after);
        const expected =
          before === after
            ? "unchanged"
            : !isPureAddition(before, after)
              ? "mutation"
              : linesOf(before).length > 0 && (linesOf(after).length - linesOf(before).length) / linesOf(before).length > MUTATION_ADDED_RATIO
                ? "mutation"
                : "evolution";
        expect(c.kind, `seed ${seed} step ${step}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`).toBe(expected);
        if (c.kind === "evolution") expect(c.added).toBe(linesOf(after).length - linesOf(before).length);

        const last = being.records.at(-1);
        const plan = planEvolve(
          { soul: being.soul, genesis: being.genesis, stored: { version: last?.version ?? 0, source: last ? being.saved.get(last.version)! : "" } },
          { source: after, at: `t${step}` },
        );
        expect(plan.kind).toBe(c.kind);
        if (plan.kind === "unchanged") continue;
        if (plan.adopt) {
          being.records.push(plan.adopt);
          being.saved.set(plan.adopt.version, before);
        }
        if (plan.kind === "evolution") {
          being.records.push(plan.record);
          being.saved.set(plan.record.version, after);
          being.genesis = plan.genesis;
        } else {
          being.genesis = plan.parentGenesis;
          expect(plan.child.ancestors).toEqual([...being.genesis.ancestors, being.soul]);
          beings.push({ soul: `s${beings.length}`, genesis: plan.child, records: [plan.record], saved: new Map([[1, after]]) });
        }
      }
      for (const being of beings) {
        being.records.forEach((record, i) => expect(record.version).toBe(i + 1));
        for (const [version, text] of being.saved) expect(reconstruct(being.records, version), `seed ${seed} ${being.soul} v${version}`).toBe(text);
        for (const record of being.records) expect(record.stored === "snapshot").toBe((record.version - 1) % SNAPSHOT_EVERY === 0);
      }
    }
  });
});
