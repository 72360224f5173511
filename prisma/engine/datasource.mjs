// Datasource URLs as the Prisma CLI passes them (`--datasource '{"url":"...","shadowDatabaseUrl":"..."}'`):
// which provider they name, where a SQLite file lives, and the PostgreSQL details used in messages.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** "sqlite" | "postgres", from the URL scheme. */
export function providerOf(url) {
  if (typeof url !== "string" || url === "") {
    throw new Error("No datasource URL was given: set datasource.url in prisma.config.ts.");
  }
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  const scheme = url.split(":")[0];
  throw new Error(`The offline schema engine supports SQLite (file:) and PostgreSQL URLs, not "${scheme}:".`);
}

/**
 * Absolute path of a SQLite `file:` URL. Relative paths resolve against the working directory,
 * which the CLI sets to the directory of prisma.config.ts. Query parameters are dropped.
 */
export function sqliteFilePath(url) {
  const withoutQuery = url.split("?")[0];
  if (withoutQuery.startsWith("file://")) return fileURLToPath(withoutQuery);
  return path.resolve(process.cwd(), withoutQuery.slice("file:".length));
}

/** Host, port, user and database of a PostgreSQL URL (for messages and admin statements). */
export function postgresDetails(url) {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  const port = parsed.port || "5432";
  const user = decodeURIComponent(parsed.username) || "postgres";
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
  return { host, port, user, database, schema: parsed.searchParams.get("schema") ?? undefined };
}

/** The same PostgreSQL URL, pointing at another database on the same server. */
export function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Double-quoted SQL identifier. */
export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}
