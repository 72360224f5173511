#!/usr/bin/env node
// Runs the Prisma CLI offline: points it at the WebAssembly schema engine in prisma/engine/
// (Prisma would otherwise download a native binary) and at the project's default database.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);
