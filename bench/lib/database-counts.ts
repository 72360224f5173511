// Reads row counts straight from a benchmark's database (SQLite file or PostgreSQL), without the
// app's client, to check what a run left behind.
import Database from "better-sqlite3";
import pg from "pg";
import { sqliteFilePath } from "@/lib/database-url";

export async function queryCounts(databaseUrl: string, queries: Record<string, string>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const file = sqliteFilePath(databaseUrl);
  if (file) {
    const sqlite = new Database(file, { readonly: true });
    try {
      for (const [name, sql] of Object.entries(queries)) counts[name] = Number((sqlite.prepare(sql).pluck().get() as number | bigint) ?? 0);
    } finally {
      sqlite.close();
    }
    return counts;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [name, sql] of Object.entries(queries)) counts[name] = Number(Object.values((await client.query(sql)).rows[0] ?? {})[0] ?? 0);
  } finally {
    await client.end();
  }
  return counts;
}
