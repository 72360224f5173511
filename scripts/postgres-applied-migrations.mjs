#!/usr/bin/env node
// Prints, as a JSON array, the migrations a PostgreSQL database has applied (none when it has no
// migrations table). lib/migrate.ts runs it synchronously to skip `prisma migrate deploy` (seconds)
// when nothing is pending, which every CLI run and process start would otherwise pay.
//   DATABASE_URL=postgresql://... node scripts/postgres-applied-migrations.mjs
import pg from "pg";

const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
try {
  await client.connect();
  const { rows: tables } = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
  const applied = tables[0].present
    ? (await client.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")).rows.map((row) => row.migration_name)
    : [];
  process.stdout.write(JSON.stringify(applied));
} catch (error) {
  // The database may not exist yet: `prisma migrate deploy` creates it, so report nothing applied.
  if (error.code !== "3D000") {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    process.stdout.write("[]");
  }
} finally {
  await client.end().catch(() => undefined);
}
