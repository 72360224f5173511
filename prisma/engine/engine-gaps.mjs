// Where @prisma/schema-engine-wasm 8.1.0-2 behaves differently from the native engine the CLI expects.
//
// 1. devDiagnostic (and, on SQLite, diagnoseMigrationHistory) fail with P1014 "The underlying table for
//    model `_prisma_migrations` does not exist" on a never-migrated database, where the native engine
//    treats the table as empty. Bridge: create it with Prisma's standard DDL, ask again, then drop it so
//    the database is left as it was (applyMigrations creates it for real).
// 2. evaluateDataLoss and createMigration fail with "... shadow DB must be provided through an external
//    factory" unless an earlier call in the same engine already used the shadow database (in `migrate
//    dev` devDiagnostic does). Bridge: run diagnoseMigrationHistory with the shadow database, then retry.
// 3. reset on SQLite only deletes the rows; the native engine empties the file (and `migrate reset` then
//    re-applies every migration, which fails on existing tables). Bridge: close the engine, truncate
//    the file like the native engine does, and let the next request start a fresh engine.
import { rmSync, truncateSync } from "node:fs";
import { sqliteFilePath } from "./datasource.mjs";

const MIGRATIONS_TABLE_COLUMNS = {
  sqlite: `
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0`,
  postgres: `
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0`,
};

/**
 * Gap 1. Runs `call(engine)`; if it fails only because `_prisma_migrations` is missing, runs it again
 * with a temporary empty table and merges `overrides` into the result (e.g. hasMigrationsTable: false).
 */
export async function withMigrationsTable(session, call, overrides = {}) {
  const engine = await session.engine();
  try {
    return await call(engine);
  } catch (error) {
    if (!(error?.code === "P1014" && String(error.message).includes("_prisma_migrations"))) throw error;
  }
  const adapter = await session.mainAdapter();
  const table = migrationsTableName(session.provider, adapter);
  await adapter.executeScript(`CREATE TABLE IF NOT EXISTS ${table} (${MIGRATIONS_TABLE_COLUMNS[session.provider]}\n)`);
  try {
    return { ...(await call(engine)), ...overrides };
  } finally {
    await adapter.executeScript(`DROP TABLE IF EXISTS ${table}`);
  }
}

function migrationsTableName(provider, adapter) {
  if (provider === "sqlite") return `"_prisma_migrations"`;
  const schema = adapter.getConnectionInfo?.().schemaName ?? "public";
  return `"${schema.replaceAll('"', '""')}"."_prisma_migrations"`;
}

/** Gap 2. `params` are those of evaluateDataLoss / createMigration (migrationsList, filters). */
export async function withShadowDatabaseState(session, params, call) {
  const engine = await session.engine();
  try {
    return await call(engine);
  } catch (error) {
    if (!/shadow DB must be provided through an external factory/.test(String(error?.message))) throw error;
  }
  const { migrationsList, filters } = params;
  await withMigrationsTable(session, (e) =>
    e.diagnoseMigrationHistory({ migrationsList, filters, optInToShadowDatabase: true }),
  );
  return call(engine);
}

/** Gap 3 for SQLite; PostgreSQL's reset (DROP SCHEMA ... CASCADE) matches the native engine. */
export async function resetDatabase(session, params) {
  if (session.provider !== "sqlite") return (await session.engine()).reset(params);
  await session.close();
  const file = sqliteFilePath(session.datasource.url);
  truncateSync(file, 0);
  for (const suffix of ["-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  return {};
}
