// Applies the committed migrations of the provider DATABASE_URL names with the ordinary Prisma CLI
// (offline, see scripts/prisma.mjs), then on SQLite turns on the write-ahead log so readers never
// wait for the writer. Runs the CLI only when a migration is pending: it takes seconds, and every
// process start and CLI script calls this.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isPostgresUrl, sqliteFilePath } from "@/lib/database-url";
import { PROVIDERS, providerOf } from "@/prisma/providers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export class MigrationError extends Error {}

function committedMigrations(databaseUrl: string): string[] {
  return readdirSync(path.join(root, PROVIDERS[providerOf(databaseUrl)].migrations), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

// Read without a lock: the schema engine takes the database exclusively, which fails while the
// console has it open.
function appliedSqliteMigrations(file: string): string[] {
  if (!existsSync(file)) return [];
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!hasTable) return [];
    const rows = sqlite.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all() as { migration_name: string }[];
    return rows.map((row) => row.migration_name);
  } finally {
    sqlite.close();
  }
}

// node-postgres is asynchronous only, and callers migrate synchronously before anything else.
function appliedPostgresMigrations(databaseUrl: string): string[] {
  const result = spawnSync(process.execPath, [path.join(root, "scripts/postgres-applied-migrations.mjs")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new MigrationError(`Reading the applied migrations failed: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as string[];
}

function pendingMigrations(databaseUrl: string): string[] {
  const file = sqliteFilePath(databaseUrl);
  const applied = new Set(file ? appliedSqliteMigrations(file) : isPostgresUrl(databaseUrl) ? appliedPostgresMigrations(databaseUrl) : []);
  return committedMigrations(databaseUrl).filter((name) => !applied.has(name));
}

export function migrateDatabase(databaseUrl: string, options: { quiet?: boolean } = {}): void {
  if (pendingMigrations(databaseUrl).length === 0) return;
  const result = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: options.quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const detail = options.quiet ? `\n${result.stdout ?? ""}${result.stderr ?? ""}` : "";
    throw new MigrationError(`Applying database migrations failed (exit ${result.status}).${detail}`);
  }
  const file = sqliteFilePath(databaseUrl);
  if (file) {
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
}
