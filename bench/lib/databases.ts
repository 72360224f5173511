// Fresh, migrated databases for one scenario: SQLite files copied from a template migrated once
// per process, and PostgreSQL databases (cwc_test_<pid>_… names, so test runs clean up any a
// killed bench leaves behind) that drop() removes.
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "@/lib/migrate";
import { createDatabase, databaseUrl, newRunPrefix, onServer } from "@/tests/support/postgres-databases";

export type BenchDatabase = { url: string; drop(): Promise<void> };

export function sqliteDatabase(workDir: string, name: string): BenchDatabase {
  const template = path.join(workDir, "template.db");
  if (!existsSync(template)) migrateDatabase(`file:${template}`, { quiet: true });
  const file = path.join(workDir, `${name}.db`);
  copyFileSync(template, file);
  return { url: `file:${file}`, drop: async () => undefined };
}

const prefix = newRunPrefix();

export async function postgresDatabase(serverUrl: string, name: string): Promise<BenchDatabase> {
  const database = `${prefix}_${name.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
  await onServer(serverUrl, (client) => createDatabase(client, database));
  const url = databaseUrl(serverUrl, database);
  migrateDatabase(url, { quiet: true });
  return {
    url,
    drop: () => onServer(serverUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`))),
  };
}
