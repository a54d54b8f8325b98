import "../serverOnly";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

/** Where the service worker asks what to store for offline use. */
export const PRECACHE_PATH = "/api/precache";
/** Every response carries the build it came from, so the service worker sees a new build on the next navigation. */
export const BUILD_HEADER = "x-luxos-build";

/** What the service worker stores on install: everything the app needs to open and run its beings with no network. */
export interface PrecacheListing {
  readonly build: string;
  readonly urls: readonly string[];
}

/** Files a browser never needs offline (source maps, the service worker itself, notes). */
const SKIP = /\.map$|^\/sw\.js$|\.md$/;

function filesUnder(dir: string, prefix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const url = `${prefix}/${name}`;
    if (statSync(full).isDirectory()) out.push(...filesUnder(full, url));
    else if (!SKIP.test(url)) out.push(url);
  }
  return out;
}

/** The pages without a dynamic segment (`/`, `/swarm`, …) and metadata routes (`/icon.svg`, `/manifest.webmanifest`). */
function staticRoutes(nextDir: string): string[] {
  const file = path.join(nextDir, "app-path-routes-manifest.json");
  if (!existsSync(file)) return ["/"];
  const routes = Object.values(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>);
  return routes.filter((r) => !r.includes("[") && !r.split("/").some((part) => part.startsWith("_"))).sort();
}

/**
 * Lists the production build for the service worker: `.next/static` (scripts, CSS, WASM, fonts),
 * the files in `public/` and the static pages. Null when there is no production build (dev mode).
 */
export function readPrecacheListing(root: string): PrecacheListing | null {
  const nextDir = path.join(root, ".next");
  const buildFile = path.join(nextDir, "BUILD_ID");
  if (!existsSync(buildFile)) return null;
  const build = readFileSync(buildFile, "utf8").trim();
  const urls = [...staticRoutes(nextDir), ...filesUnder(path.join(root, "public"), ""), ...filesUnder(path.join(nextDir, "static"), "/_next/static")];
  return { build, urls: [...new Set(urls)] };
}

/**
 * `GET /api/precache`: the listing as JSON (never cached). Answers false for other paths so the
 * caller passes the request on. In dev mode (no listing) it answers 404 and the page does not
 * register the service worker anyway.
 */
export function createPrecacheHandler(listing: PrecacheListing | null) {
  const body = listing ? JSON.stringify(listing) : null;
  return function handlePrecache(req: IncomingMessage, res: ServerResponse): boolean {
    if (listing) res.setHeader(BUILD_HEADER, listing.build);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== PRECACHE_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" }).end(JSON.stringify({ error: "Use GET to read the precache listing." }));
      return true;
    }
    if (!body) {
      res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "There is no production build to list (the server runs in dev mode); offline use needs `npm start`." }));
      return true;
    }
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
