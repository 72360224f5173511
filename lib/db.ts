// The one Prisma client of a process, on the driver adapter that DATABASE_URL names:
// better-sqlite3 for the embedded file database, node-postgres for PostgreSQL.
import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import { isPostgresUrl } from "@/lib/database-url";
import { env } from "@/lib/env";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/postgres/client";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";

// SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front and wait for it
// (busy timeout), instead of failing with "database is locked" when a deferred transaction that has
// read tries to write after another process (a worker, the simulator) committed in between.
class ImmediateTransactionsSqlite extends PrismaBetterSqlite3 {
  // The connection the adapter opened, for the hot paths' prepared statements (lib/sql.ts).
  connection: BetterSqlite3.Database | null = null;

  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql)) as typeof client.prepare;
    this.connection = client;
    return adapter;
  }
}

// On globalThis like the client below: Next.js loads this module more than once in one process, and a
// second copy's own map would not know the shared client ("not a SQLite client" on every status change).
const globalForAdapters = globalThis as unknown as { sqliteAdapters?: WeakMap<PrismaClient, ImmediateTransactionsSqlite> };
const sqliteAdapters = (globalForAdapters.sqliteAdapters ??= new WeakMap<PrismaClient, ImmediateTransactionsSqlite>());

// The app is typed against the SQLite client. Prisma generates one client per provider
// (lib/generated/prisma and lib/generated/postgres) from the same models (prisma/schema.prisma and the
// schema derived from it), and the PostgreSQL client's API is the SQLite one plus provider-only
// options, so this is the one place where the PostgreSQL client is cast to the app's type.
export function createPrismaClient(url: string = env.DATABASE_URL): PrismaClient {
  if (isPostgresUrl(url)) return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
  const adapter = new ImmediateTransactionsSqlite({ url, timeout: 10_000 });
  const client = new PrismaClient({ adapter });
  sqliteAdapters.set(client, adapter);
  return client;
}

// The better-sqlite3 connection under a SQLite client: the one Prisma's transactions run on.
export async function sqliteConnectionOf(client: PrismaClient): Promise<BetterSqlite3.Database> {
  const adapter = sqliteAdapters.get(client);
  if (!adapter) throw new Error("not a SQLite client");
  if (!adapter.connection?.open) await client.$connect();
  return adapter.connection!;
}

// Kept on globalThis so that dev-mode hot reloads reuse one connection.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

// Also in production: Next.js may load this module once for instrumentation (the dispatcher) and once
// for pages, and two SQLite connections in one process would block each other's writes.
export const db: PrismaClient = (globalForPrisma.prisma ??= createPrismaClient());

// A case-insensitive substring filter on either provider. SQLite's LIKE already ignores (ASCII) case
// and its client has no `mode`; PostgreSQL compares case-sensitively unless told `mode: "insensitive"`.
export function containsIgnoringCase(text: string): Prisma.StringFilter {
  return isPostgresUrl(env.DATABASE_URL) ? ({ contains: text, mode: "insensitive" } as Prisma.StringFilter) : { contains: text };
}

export type Db = PrismaClient;
export type { Prisma };
