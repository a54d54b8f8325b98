import { compile } from "../../../lib/lux/compile";

/** What a being's editor opens with when it has no program yet: small, runnable, and it shows every kind of step. */
export const STARTER_PROGRAM = `# A Lux program: this being sorts a few tickets and teaches the master what it found.
SET tickets = ["I was charged twice for one order", "the app crashes when I upload a photo", "please change my email address"]
SET known = [
  {text: "refund my payment, I was billed twice", label: "billing"},
  {text: "the app crashes and freezes when I upload a file", label: "bug"},
  {text: "change the email address of my account", label: "account"}
]
EMBED tickets AS docs
CLASSIFY docs INTO ["billing", "bug", "account"] USING known AS labels
FOR EACH label IN labels
  REPORT "a ticket about " + label TO master
END
EMIT "triage.done" {count: tickets.length}
`;

/** The program a being's record holds (attributes.program, or a genesis program that is Lux), else the starter. */
export function programOf(being: { attributes: Record<string, unknown>; genesis: Record<string, unknown> }): { source: string; saved: boolean } {
  const saved = being.attributes["program"];
  if (typeof saved === "string" && saved.trim() !== "") return { source: saved, saved: true };
  const genesis = being.genesis["program"];
  if (typeof genesis === "string" && genesis.trim() !== "" && compile(genesis).diagnostics.length === 0) return { source: genesis, saved: true };
  return { source: STARTER_PROGRAM, saved: false };
}
