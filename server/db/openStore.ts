import "../serverOnly";
import path from "node:path";
import { createPgliteDriver } from "./pglite";
import { createPostgresDriver } from "./postgres";
import { createStore, type MasterStore, type StoreOptions } from "./store";

export type StoreConfig = ({ kind: "pglite"; dataDir?: string } | { kind: "postgres"; url: string; poolSize?: number; schema?: string }) & StoreOptions;

/** Opens the master store the configuration asks for, migrated and ready. */
export async function openStore(config: StoreConfig): Promise<MasterStore> {
  const driver =
    config.kind === "postgres"
      ? await createPostgresDriver(config)
      : await createPgliteDriver(config.dataDir ? { dataDir: path.join(config.dataDir, "master") } : {});
  try {
    return await createStore(driver, config.mergeThreshold === undefined ? {} : { mergeThreshold: config.mergeThreshold });
  } catch (error) {
    await driver.close();
    throw error;
  }
}
