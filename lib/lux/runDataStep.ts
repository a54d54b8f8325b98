import type { Stmt } from "./ast";
import { nearestLabel } from "./classify";
import { describeExpr } from "./evaluate";
import type { LuxStep } from "./runTypes";
import type { LabelledExample } from "./LuxHost";
import type { StepContext } from "./StepContext";
import { kindOf, LuxDocument, summarize, textOf, type LuxValue } from "./values";

type DataStmt = Extract<Stmt, { kind: "set" | "load" | "embed" | "classify" }>;

/** SET, LOAD, EMBED and CLASSIFY: the statements that make values. */
export async function runDataStep(run: StepContext, stmt: DataStmt): Promise<LuxStep> {
  switch (stmt.kind) {
    case "set": {
      const value = run.evaluate(stmt.value, stmt);
      const step = run.pay(stmt, [{ kind: "lux_step" }], value);
      run.variables.set(stmt.target, value);
      return step;
    }
    case "load":
      return load(run, stmt);
    case "embed":
      return embed(run, stmt);
    case "classify":
      return classify(run, stmt);
  }
}

async function load(run: StepContext, stmt: Extract<Stmt, { kind: "load" }>): Promise<LuxStep> {
  const s = stmt.source;
  const { host, signal } = run;
  let value: LuxValue;
  if (s.kind === "value") {
    value = run.evaluate(s.value, stmt);
  } else if (s.kind === "file") {
    const name = run.text(s.name, stmt, "LOAD file");
    run.charge(stmt, [{ kind: "memory_op" }]);
    value = await run.call(stmt, () => host.load({ kind: "file", name }, signal));
  } else if (s.kind === "url") {
    const url = run.text(s.url, stmt, "LOAD url");
    let protocol = "";
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw run.error("type_error", stmt, `${JSON.stringify(url)} is not a URL`);
    }
    if (protocol !== "http:" && protocol !== "https:") throw run.error("type_error", stmt, `LOAD url fetches http and https only, not ${protocol}`);
    run.charge(stmt, [{ kind: "master_call" }]);
    value = await run.call(stmt, () => host.load({ kind: "url", url }, signal));
  } else if (s.kind === "rows") {
    run.charge(stmt, [{ kind: "memory_op" }]);
    value = await run.call(stmt, () => host.load({ kind: "rows", table: s.table }, signal));
  } else {
    const query = run.text(s.query, stmt, "LOAD master query");
    run.charge(stmt, [{ kind: "master_call" }]);
    value = await run.call(stmt, () => host.load({ kind: "query", query }, signal));
  }
  run.variables.set(stmt.target, value);
  return run.pay(stmt, s.kind === "value" ? [{ kind: "lux_step" }] : [], value);
}

function embed(run: StepContext, stmt: Extract<Stmt, { kind: "embed" }>): LuxStep {
  const v = run.evaluate(stmt.value, stmt);
  const items = Array.isArray(v) ? v : [v];
  for (const item of items)
    if (typeof item !== "string" && !(item instanceof LuxDocument) && kindOf(item) !== "record")
      throw run.error("type_error", stmt, `EMBED takes text or documents, not ${kindOf(item)}`);
  const texts = items.map(textOf);
  run.charge(stmt, [{ kind: "lux_step" }, { kind: "embed", chars: texts.reduce((n, t) => n + t.length, 0) }]);
  const docs = items.map((item, i) => (item instanceof LuxDocument ? item : new LuxDocument(texts[i]!, run.embed(texts[i]!))));
  const value: LuxValue = Array.isArray(v) ? docs : docs[0]!;
  run.variables.set(stmt.target, value);
  return run.pay(stmt, [], value);
}

async function classify(run: StepContext, stmt: Extract<Stmt, { kind: "classify" }>): Promise<LuxStep> {
  const v = run.evaluate(stmt.value, stmt);
  const labelsValue = run.evaluate(stmt.labels, stmt);
  if (!Array.isArray(labelsValue) || labelsValue.length === 0 || !labelsValue.every((l) => typeof l === "string")) {
    throw run.error("type_error", stmt, `INTO takes a list of text labels, but ${describeExpr(stmt.labels)} is ${summarize(labelsValue, 40)}`);
  }
  const labels = labelsValue;
  const items = Array.isArray(v) ? v : [v];
  const texts = items.map(textOf);
  const chars = texts.reduce((n, t) => n + t.length, 0);
  let labelled: LuxValue[];
  if (stmt.using.kind === "reasoner") {
    run.charge(stmt, [{ kind: "plan_operation" }, { kind: "llm", provider: "deterministic", tokensIn: Math.ceil(chars / 4), tokensOut: items.length }]);
    labelled = [];
    for (const t of texts) {
      const label = await run.call(stmt, () => run.host.reason(t, labels, run.signal));
      if (!labels.includes(label))
        throw run.error("host_error", stmt, `the reasoner answered ${JSON.stringify(label)}, which is not one of ${JSON.stringify(labels)}`);
      labelled.push(label);
    }
  } else {
    let examples: LabelledExample[];
    if (stmt.using.kind === "given") {
      const given = run.evaluate(stmt.using.examples, stmt);
      if (!Array.isArray(given)) throw run.error("type_error", stmt, `USING takes a list of {text, label} records, not ${kindOf(given)}`);
      examples = given.map((g) => {
        const label = g !== null && typeof g === "object" && !Array.isArray(g) && !(g instanceof LuxDocument) ? g.label : undefined;
        if (typeof label !== "string") throw run.error("type_error", stmt, `each example is a record {text: "…", label: "…"}, not ${summarize(g, 40)}`);
        return { text: textOf(g), label };
      });
      run.charge(stmt, [{ kind: "lux_step" }, { kind: "embed", chars: chars + examples.reduce((n, e) => n + e.text.length, 0) }]);
    } else {
      run.charge(stmt, [{ kind: "lux_step" }, { kind: "master_call" }, { kind: "embed", chars }]);
      examples = await run.call(stmt, () => run.host.examples(labels, run.signal));
    }
    labelled = items.map((item, i) => {
      const vector = item instanceof LuxDocument ? item.embedding : run.embed(texts[i]!);
      const best = nearestLabel(vector, labels, examples, (t) => run.embed(t));
      if (!best)
        throw run.error("host_error", stmt, `no labelled examples for ${labels.join(", ")}; give some with USING, or ask the reasoner with USING reasoner`);
      return best.label;
    });
  }
  const value: LuxValue = Array.isArray(v) ? labelled : labelled[0]!;
  run.variables.set(stmt.target, value);
  return run.pay(stmt, [], value);
}
