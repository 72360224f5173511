// The one Prisma client of a process, on the driver adapter that DATABASE_URL names:
// better-sqlite3 for the embedded file database, node-postgres for PostgreSQL.
import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { isPostgresUrl } from "@/lib/database-url";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

// SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front and wait for it
// (busy timeout), instead of failing with "database is locked" when a deferred transaction that has
// read tries to write after another process (a worker, the simulator) committed in between.
class ImmediateTransactionsSqlite extends PrismaBetterSqlite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client: { prepare: (sql: string) => unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}

export function createPrismaClient(url: string = env.DATABASE_URL): PrismaClient {
  const adapter = isPostgresUrl(url) ? new PrismaPg({ connectionString: url }) : new ImmediateTransactionsSqlite({ url, timeout: 10_000 });
  return new PrismaClient({ adapter });
}

// Kept on globalThis so that dev-mode hot reloads reuse one connection.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

// Also in production: Next.js may load this module once for instrumentation (the dispatcher) and once
// for pages, and two SQLite connections in one process would block each other's writes.
export const db: PrismaClient = (globalForPrisma.prisma ??= createPrismaClient());

export type Db = PrismaClient;
export type { Prisma } from "@/lib/generated/prisma/client";
