// A throwaway PostgreSQL database on the local server (127.0.0.1:5432, user postgres, trust auth),
// for tests that talk to PostgreSQL directly with `pg`, whichever provider the suite runs on.
import pg from "pg";
import { createDatabase, databaseUrl, onServer } from "./postgres-databases";

const SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

// Whether the local server accepts connections (tests that need it skip otherwise, saying why).
export async function postgresAnswers(): Promise<boolean> {
  return onServer(SERVER_URL, async () => true).catch(() => false);
}

export function adminQuery<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  return onServer(SERVER_URL, async (client) => (await client.query<T>(sql, values)).rows);
}

// Creates an empty database and returns its URL and a drop() that ends its sessions first.
export async function scratchDatabase(prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await onServer(SERVER_URL, (client) => createDatabase(client, name));
  return {
    name,
    url: databaseUrl(SERVER_URL, name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}
