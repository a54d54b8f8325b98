/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // NOTE: `npm run check` (run by `npm test`) type-checks the whole repo; the build does not repeat it,
  // so a type error in a test never stops `npm start`.
  typescript: { ignoreBuildErrors: true },
  // NOTE: the master store never enters the Next.js bundle: tRPC is served by server/main.ts.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-pgvector", "pg"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // Cross-origin isolation: SharedArrayBuffer (sandbox interrupts) and the OPFS VFS need it.
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
