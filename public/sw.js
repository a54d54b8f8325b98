/**
 * LuxOS service worker: the app opens, and its beings run, with no network after the first visit.
 *
 * - On install it stores everything the server lists at /api/precache (the build's scripts, CSS
 *   and WASM under /_next/static, the files in public/, the static pages) in a cache named after
 *   the build (`luxos-<build id>`), and marks the cache complete only when all of it is there.
 * - Pages: network first (a fresh build always wins), the stored copy when the network fails,
 *   else a small offline page. Every answer carries `x-luxos-build`; a different build than the
 *   stored one makes the worker store the new build and then drop the old caches.
 * - /_next/static: cache first (file names carry content hashes, so a stored file is never stale).
 * - /api, /models, /rooms and Next's router payloads (`?_rsc`): never touched; they go to the
 *   network as if there were no service worker.
 * - Stored responses keep their headers, COOP/COEP included, so an offline page is still
 *   cross-origin isolated (OPFS needs it).
 *
 * Hand-written on purpose (no build step, no dependency). Registered by
 * app/_components/pwa/ServiceWorkerRegistration.tsx in production builds only.
 */
/// <reference lib="webworker" />
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const PREFIX = "luxos-";
const LISTING_URL = "/api/precache";
const BUILD_HEADER = "x-luxos-build";
/** A cache holding this key holds the whole build. */
const COMPLETE_KEY = "/__luxos/precache-complete";
/** Files fetched at once while storing a build: enough to be quick, few enough not to starve the page. */
const PARALLEL = 6;
const NEVER = /^\/(api|models|rooms)(\/|$)/;

/** The name of the complete cache in use (remembered while this worker lives). */
let currentName = null;
/** The build being stored right now, so a second navigation does not start it again. */
let storing = null;

sw.addEventListener("install", (event) => {
  event.waitUntil(storeBuild().then(() => sw.skipWaiting()));
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || NEVER.test(url.pathname) || url.pathname === "/sw.js") return;
  // NOTE: router payloads depend on the router's state headers; caching them by URL would serve the wrong tree.
  if (url.searchParams.has("_rsc") || request.headers.get("RSC") === "1") return;
  if (request.headers.has("range")) return;
  if (request.mode === "navigate") event.respondWith(page(event, url));
  else if (url.pathname.startsWith("/_next/static/")) event.respondWith(cacheFirst(request).then((r) => (isWorkerScript(request) ? withoutUrl(r) : r)));
  else event.respondWith(networkFirst(request));
});

function isWorkerScript(request) {
  return request.destination === "worker" || request.destination === "sharedworker";
}

/**
 * The same response with no URL of its own. NOTE: a worker takes its `location` from the response
 * URL when a service worker answers, and that URL has no fragment; Turbopack passes a worker its
 * bootstrap in `#params=…`. A response without a URL leaves the worker the URL it was started with.
 */
function withoutUrl(response) {
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Fetches the listing and stores every file of that build; answers the cache's name. */
function storeBuild() {
  storing ??= (async () => {
    const response = await fetch(LISTING_URL, { cache: "no-store" });
    if (!response.ok) throw new Error(`${LISTING_URL} answered ${response.status}`);
    const listing = await response.json();
    const name = PREFIX + listing.build;
    const cache = await caches.open(name);
    if (!(await cache.match(COMPLETE_KEY))) {
      const urls = listing.urls.slice();
      const worker = async () => {
        for (let url = urls.shift(); url !== undefined; url = urls.shift()) {
          if (await cache.match(url)) continue;
          const got = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
          if (!got.ok) throw new Error(`${url} answered ${got.status} while storing the app for offline use`);
          await cache.put(url, await storable(got));
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      await cache.put(COMPLETE_KEY, new Response(listing.build));
    }
    currentName = name;
    for (const old of await caches.keys()) if (old.startsWith(PREFIX) && old !== name) await caches.delete(old);
    return name;
  })().finally(() => {
    storing = null;
  });
  return storing;
}

/** The complete cache in use, or null before the first build was stored. */
async function current() {
  if (currentName) return caches.open(currentName);
  const names = (await caches.keys()).filter((n) => n.startsWith(PREFIX)).reverse();
  for (const name of names) {
    const cache = await caches.open(name);
    if (await cache.match(COMPLETE_KEY)) {
      currentName = name;
      return cache;
    }
  }
  return null;
}

/**
 * A copy that can be stored and served for a navigation: a redirected response would be refused
 * by the browser, so it is rebuilt with the same status and headers (COOP/COEP among them).
 */
async function storable(response) {
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function page(event, url) {
  try {
    const response = await fetch(event.request);
    const build = response.headers.get(BUILD_HEADER);
    if (build && currentName !== PREFIX + build) {
      // A new build is out (or this worker just woke up): store it in the background; the old one stays until it is complete.
      const cache = await current();
      if (!cache || currentName !== PREFIX + build) event.waitUntil(storeBuild().catch(() => undefined));
    }
    if (response.ok && (response.headers.get("content-type") ?? "").includes("text/html") && build && currentName === PREFIX + build) {
      const copy = await storable(response.clone());
      event.waitUntil(caches.open(currentName).then((cache) => cache.put(url.pathname, copy)));
    }
    return response;
  } catch (error) {
    const cache = await current();
    const stored = cache && (await cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true }));
    return stored || offlinePage(url);
  }
}

async function cacheFirst(request) {
  const cache = await current();
  const stored = cache && (await cache.match(request, { ignoreVary: true }));
  if (stored) return stored;
  const response = await fetch(request);
  if (response.ok && cache) {
    const copy = response.clone();
    cache.put(request, copy).catch(() => undefined);
  }
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const cache = await current();
      if (cache) cache.put(request, response.clone()).catch(() => undefined);
    }
    return response;
  } catch (error) {
    const cache = await current();
    const stored = cache && (await cache.match(request, { ignoreSearch: true, ignoreVary: true }));
    if (stored) return stored;
    throw error;
  }
}

/** What a page that was never stored shows offline: where to go instead. Isolated like every page. */
function offlinePage(url) {
  const escaped = url.pathname.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Offline · LuxOS</title><style>body{font:15px/1.5 system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:28rem;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:1rem}a{color:#4338ca}</style></head>
<body><main><h1 style="font-size:1.1rem;margin:0 0 .5rem">You are offline</h1>
<p><code>${escaped}</code> was not opened before the network went away, so there is no copy of it on this device.</p>
<p>Your beings keep running offline: <a href="/swarm">open the Swarm</a>. What they learn waits in their outboxes and reaches the master when the network returns.</p>
</main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cross-origin-resource-policy": "same-origin",
    },
  });
}
