import type { MetadataRoute } from "next";

/** The web app manifest (`/manifest.webmanifest`): what makes LuxOS installable, with the service worker in public/sw.js. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "LuxOS",
    short_name: "LuxOS",
    description: "A home for a swarm of AI beings. Beings keep thinking offline and sync with the master when the network returns.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#f8fafc",
    theme_color: "#4f46e5",
    icons: [
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
