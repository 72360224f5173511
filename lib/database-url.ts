// What kind of database a DATABASE_URL names. Relative SQLite paths resolve against the working
// directory, as better-sqlite3 opens them.
import path from "node:path";

export function isPostgresUrl(url: string): boolean {
  return url.startsWith("postgres://") || url.startsWith("postgresql://");
}

export function sqliteFilePath(databaseUrl: string): string | null {
  return databaseUrl.startsWith("file:") ? path.resolve(databaseUrl.slice("file:".length)) : null;
}
