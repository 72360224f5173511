// `npm run test:e2e`: the Playwright suite against a production build on a throwaway database.
// Builds if needed, migrates a fresh SQLite file, creates the test users, then runs Playwright,
// which starts `next start` on that database (playwright.config.ts).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findChromium, NO_BROWSER_MESSAGE } from "./lib/browser";
import { buildIfNeeded, root } from "./lib/build";

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.error(NO_BROWSER_MESSAGE);
  process.exit(1);
}

const workDir = mkdtempSync(path.join(tmpdir(), "cwc-e2e-"));
const databaseUrl = `file:${path.join(workDir, "e2e.db")}`;
// Set before lib/ is imported: lib/env reads the environment once.
// Delivery settings scaled down so retries and the automatic disable happen within a test's time.
Object.assign(process.env, {
  DATABASE_URL: databaseUrl,
  DATA_DIR: workDir,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
  WEBHOOK_RETRY_DELAYS_MS: "300,600",
  WEBHOOK_DISABLE_AFTER_FAILURES: "5",
  WEBHOOK_TIMEOUT_MS: "2000",
});

buildIfNeeded();
const { migrateDatabase } = await import("@/lib/migrate");
const { createE2eFixtures } = await import("../tests/e2e/support/fixtures-setup");
migrateDatabase(databaseUrl, { quiet: true });
const fixtures = await createE2eFixtures();
const fixturesFile = path.join(workDir, "fixtures.json");
writeFileSync(fixturesFile, JSON.stringify(fixtures), { mode: 0o600 });

const result = spawnSync(process.execPath, [path.join(root, "node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CHROMIUM_PATH: chromiumPath, E2E_FIXTURES: fixturesFile, NEXT_TELEMETRY_DISABLED: "1" },
});
printSummary();
if (result.status === 0) rmSync(workDir, { recursive: true, force: true });
else console.error(`E2E database and server files kept in ${workDir}`);
process.exit(result.status ?? 1);

// One plain closing line for CI logs, from Playwright's JSON report.
function printSummary(): void {
  const report = path.join(root, process.env.E2E_OUTPUT_DIR ?? "test-results", "results.json");
  if (!existsSync(report)) return;
  const { stats } = JSON.parse(readFileSync(report, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  console.log(`e2e: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`);
}
