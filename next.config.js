// Next.js configuration. Offline by design: no remote fonts or images, no telemetry.
/** @type {import("next").NextConfig} */
const nextConfig = {
  // A separate build folder lets several e2e runs (or engineers) build side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx for pages a role may not open.
  experimental: { authInterrupts: true },
  reactStrictMode: true,
  // The build checks the app's own code; `npm run typecheck` checks everything, tests included.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Native and WASM packages stay outside the server bundle and load from node_modules.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pino"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
