// NOTE: `import "server-only"` fails outside a React Server bundle (tsx, vitest), so
// server files import this guard instead: it refuses to load in a browser.
if (typeof window !== "undefined") {
  throw new Error("server code was imported into the browser; import types only (`import type`)");
}
export {};
