#!/usr/bin/env node
// Runs the Prisma CLI offline: points it at the WebAssembly schema engine in prisma/engine/
// (Prisma would otherwise download a native binary) and at the project's default database.
// DATABASE_URL picks the provider's schema and migrations (prisma.config.ts). `generate` without
// --schema first re-derives the PostgreSQL schema, then generates both providers' clients.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDERS } from "../prisma/providers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

// The same default as lib/env.ts: the embedded SQLite file under DATA_DIR.
const dataDir = path.resolve(root, process.env.DATA_DIR ?? "data");
mkdirSync(dataDir, { recursive: true });

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL || `file:${path.join(dataDir, "app.db")}`,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "prisma/engine/schema-engine.mjs"),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

const cli = require.resolve("prisma/build/index.js");

function run(file, args) {
  const result = spawnSync(file, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const args = process.argv.slice(2);
if (args[0] === "generate" && !args.some((arg) => arg === "--schema" || arg.startsWith("--schema="))) {
  run(process.execPath, [path.join(root, "scripts/prisma-schemas.mjs")]);
  for (const provider of Object.values(PROVIDERS)) run(process.execPath, [cli, ...args, "--schema", provider.schema]);
} else {
  run(process.execPath, [cli, ...args]);
}
