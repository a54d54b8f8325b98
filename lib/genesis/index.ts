export * from "./classify";
export * from "./constants";
export * from "./evolve";
export * from "./genesisDocument";
export * from "./lineDiff";
export * from "./versions";
export * from "./wire";
export * from "./microWorldFile";
