/**
 * Synthetic but readable facts and questions for the knowledge benchmark: many distinct sentences
 * from a few hundred words, so the hash embedder's vectors spread out as real text's do.
 */
import { rng } from "./worldData";

const ADJECTIVES = (
  "ancient northern southern eastern western coastal alpine tropical arctic volcanic sandy rocky frozen misty quiet busy small large " +
  "old young hidden famous remote central upper lower outer inner green golden silver crimson pale dark bright wild gentle hollow"
).split(" ");
const NOUNS = (
  "river lake forest valley bridge tower harbor island glacier desert canyon meadow village castle library market cathedral lighthouse " +
  "observatory museum orchard vineyard quarry mill railway tunnel reservoir swamp plateau volcano reef lagoon monastery fortress " +
  "garden archive factory university hospital stadium theatre palace temple"
).split(" ");
const PLACES = (
  "Aldera Brennmoor Caldris Dunmere Eskerval Farrowdale Galdor Hestia Ilvermont Jorvik Kestrel Lumaris Marrowind Norvale Ostreth " +
  "Pellinor Quillon Ravenmoor Silvaran Tamberlyn Umbra Valdris Westmarch Xandor Yarrowby Zephyria Ashgrove Briarwood Coldspring " +
  "Deepwater Emberfall Frosthaven Glimmerdeep Highcrest Ironhold"
).split(" ");
const VERBS = (
  "was founded in|was rebuilt in|flooded in|was first mapped in|was abandoned in|was restored in|froze over in|was discovered in|" +
  "burned down in|was expanded in|was renamed in|opened to visitors in|was surveyed in|changed course in|was sold in"
).split("|");
const CAUSES = (
  "after a long drought|by a guild of masons|during a harsh winter|under a new charter|with money from the salt trade|" +
  "by monks from the coast|after the great storm|for the spring festival|by order of the council|with help from traders|" +
  "after a fire in the market|during the wool boom|by a travelling engineer|after heavy autumn rains|for the copper miners"
).split("|");

/** The i-th fact of a seeded stream: "The misty harbor of Norvale was rebuilt in 1432 after the great storm." */
export function factTexts(count: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const year = 1000 + Math.floor(r() * 1000);
    out.push(`The ${pick(ADJECTIVES)} ${pick(NOUNS)} of ${pick(PLACES)} ${pick(VERBS)} ${year} ${pick(CAUSES)}.`);
  }
  return out;
}

/** A question about a fact, asked in other words: "When was the misty harbor of Norvale rebuilt?" */
export function questionAbout(fact: string): string {
  const m = /^The (.+?) of (\S+) (was |)(\S+)(?: \S+)*? in (\d+)/.exec(fact);
  if (!m) return fact;
  return `What happened to the ${m[1]} of ${m[2]} in ${m[5]}?`;
}
