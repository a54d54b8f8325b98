"use client";
import { useEffect } from "react";

/**
 * Registers public/sw.js, which stores the app for offline use. Production builds only: in dev the
 * files change on every edit and a service worker would serve yesterday's.
 */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    // NOTE: updateViaCache "none": the browser asks the server for sw.js itself on every check, never its HTTP cache.
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((error: unknown) => {
      console.warn("[luxos] the service worker could not be registered; the app will not open offline:", error);
    });
  }, []);
  return null;
}
