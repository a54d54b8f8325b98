import { classify, type Classification } from "./classify";
import type { Genesis } from "./genesisDocument";
import { nextVersion, withVersion, type VersionRecord } from "./versions";

/** Where a being stands before a change: its soul, genesis and the text of its newest stored version. */
export interface EvolveBase {
  readonly soul: string;
  readonly genesis: Genesis;
  /** The newest stored version's number and text (0 and "" when nothing is stored yet). */
  readonly stored: { readonly version: number; readonly source: string };
}

export interface EvolveRequest {
  readonly source: string;
  /** The new being's name on a mutation; the parent's name by default. */
  readonly name?: string | undefined;
  readonly message?: string | null | undefined;
  readonly at: string;
}

/** The writes one change needs, decided before anything is written. */
export type EvolvePlan =
  | { readonly kind: "unchanged"; readonly classification: Classification }
  | {
      readonly kind: "evolution";
      readonly classification: Classification;
      /** Written first when the record's source was edited outside evolve: it keeps the history exact. */
      readonly adopt: VersionRecord | null;
      readonly record: VersionRecord;
      readonly genesis: Genesis;
    }
  | {
      readonly kind: "mutation";
      readonly classification: Classification;
      readonly adopt: VersionRecord | null;
      /** The parent's version the child descends from. */
      readonly parentVersion: number;
      readonly parentGenesis: Genesis;
      readonly record: VersionRecord;
      readonly child: Genesis;
    };

/**
 * Decides what saving `request.source` over a being does (pure): the versions to store and the
 * genesis documents to write. Classification is against the being's current source.
 */
export function planEvolve(base: EvolveBase, request: EvolveRequest): EvolvePlan {
  const current = base.genesis.source;
  const classification = classify(current, request.source);
  if (classification.kind === "unchanged") return { kind: "unchanged", classification };
  const message = request.message ?? null;
  // NOTE: a source edited outside evolve (beings.update) is stored as a version of its own first, so
  // every version the being ever showed can still be rebuilt.
  const adopt =
    base.stored.version === 0 && current === ""
      ? null
      : current !== base.stored.source || base.stored.version === 0
        ? nextVersion(base.stored.version, base.stored.source, current, request.at, "edited outside genesis.evolve")
        : null;
  const parentVersion = adopt?.version ?? base.stored.version;
  const parentGenesis = adopt ? withVersion(base.genesis, adopt, current) : { ...base.genesis, version: parentVersion };
  if (classification.kind === "evolution") {
    const record = nextVersion(parentVersion, current, request.source, request.at, message);
    return { kind: "evolution", classification, adopt, record, genesis: withVersion(parentGenesis, record, request.source) };
  }
  const record = nextVersion(0, "", request.source, request.at, message ?? `mutated from ${base.soul} v${parentVersion}`);
  const child: Genesis = {
    name: request.name?.trim() || base.genesis.name,
    type: base.genesis.type,
    language: base.genesis.language,
    source: "",
    ancestors: [...base.genesis.ancestors, base.soul],
    version: 0,
    versions: [],
    meta: { ...base.genesis.meta, mutated_from: { soul: base.soul, version: parentVersion } },
    core: false,
  };
  return { kind: "mutation", classification, adopt, parentVersion, parentGenesis, record, child: withVersion(child, record, request.source) };
}
