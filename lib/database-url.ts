// What kind of database a DATABASE_URL names. Relative SQLite paths resolve against the working
// directory, as better-sqlite3 opens them.
import path from "node:path";

// Shared with the Prisma CLI configuration and scripts, which pick the provider's schema by it.
export { isPostgresUrl } from "@/prisma/providers.mjs";

export function sqliteFilePath(databaseUrl: string): string | null {
  return databaseUrl.startsWith("file:") ? path.resolve(databaseUrl.slice("file:".length)) : null;
}
