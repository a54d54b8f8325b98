// Loads examples/world.json into a running LuxOS through its public API (plain JSON tRPC).
import { readFile } from "node:fs/promises";

const base = process.argv[2] ?? "http://localhost:3000";
const world = JSON.parse(await readFile(new URL("./world.json", import.meta.url), "utf8"));

async function call(procedure, input) {
  const res = await fetch(`${base}/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
  const body = await res.json();
  if (!res.ok) throw new Error(`${procedure}: ${body.error?.message ?? res.status}`);
  return body.result.data;
}

const { souls } = await call("beings.createMany", { beings: world.beings });
const { ids } = await call("relationships.createMany", { relationships: world.relationships });
console.log(`loaded ${souls.length} beings and ${ids.length} relationships into ${base}`);
