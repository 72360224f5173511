// Applies the committed migrations with the ordinary Prisma CLI (offline, see scripts/prisma.mjs),
// then turns on SQLite's write-ahead log so readers never wait for the writer.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sqliteFilePath } from "@/lib/database-url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = path.join(root, "prisma/migrations");

export class MigrationError extends Error {}

function committedMigrations(): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

// The committed migrations a SQLite file lacks, read without a lock: the schema engine takes the
// database exclusively, which fails while the console has it open, so it runs only when needed.
function pendingSqliteMigrations(file: string): string[] {
  if (!existsSync(file)) return committedMigrations();
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!hasTable) return committedMigrations();
    const applied = new Set(
      (sqlite.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL").all() as { migration_name: string }[]).map(
        (row) => row.migration_name,
      ),
    );
    return committedMigrations().filter((name) => !applied.has(name));
  } finally {
    sqlite.close();
  }
}

export function migrateDatabase(databaseUrl: string, options: { quiet?: boolean } = {}): void {
  const file = sqliteFilePath(databaseUrl);
  if (file && pendingSqliteMigrations(file).length === 0) return;
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
  if (file) {
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
}
