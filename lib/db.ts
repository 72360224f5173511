// The one Prisma client of a process, on the driver adapter that DATABASE_URL names:
// better-sqlite3 for the embedded file database, node-postgres for PostgreSQL.
import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "@/lib/database-url";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/postgres/client";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";

// One transaction at a time on a connection, first come first served: Prisma's interactive
// transactions and lib/sql's own take turns through it.
export class TransactionLock {
  private tail: Promise<void> = Promise.resolve();

  // Resolves once the lock is this caller's, with the function that hands it on.
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return acquired;
  }
}

// How long a SQLite statement waits for another connection's write lock before it fails.
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

type AdapterTransaction = { commit(): Promise<void>; rollback(): Promise<void> };
type SqliteAdapter = { client: BetterSqlite3.Database; startTransaction(isolationLevel?: string): Promise<AdapterTransaction>; dispose(): Promise<void> };

const LOCK_RETRY_MS = 1;
const beginStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

// Starts a transaction holding the write lock (BEGIN IMMEDIATE), waiting for another process's
// transaction (a worker, the web process) on the event loop: SQLite's own busy handler sleeps on the
// thread (1, 2, 5, 10… ms), and a process asleep there can neither answer requests nor gather its next
// group. Each try runs with no busy timeout, which is restored for the transaction's statements and
// for others' statements during the wait.
export async function beginImmediateWithoutBlocking(connection: BetterSqlite3.Database): Promise<void> {
  let begin = beginStatements.get(connection);
  if (!begin) beginStatements.set(connection, (begin = connection.prepare("BEGIN IMMEDIATE")));
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    connection.exec("PRAGMA busy_timeout = 0");
    try {
      begin.run();
      return;
    } catch (error) {
      if (!String((error as { code?: string }).code).startsWith("SQLITE_BUSY") || Date.now() >= deadline) throw error;
    } finally {
      connection.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

// SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front, instead of
// failing with "database is locked" when a deferred transaction that has read tries to write after
// another process (a worker, the simulator) committed in between. The lock is taken before the
// adapter's own BEGIN (which becomes a savepoint inside it): the adapter takes its mutex before its
// BEGIN and never releases it if BEGIN fails, so a BEGIN that timed out would hang every later transaction.
class ImmediateTransactionsSqlite extends PrismaBetterSqlite3 {
  // The connection the adapter opened, for the hot paths' prepared statements and transactions (lib/sql.ts).
  connection: BetterSqlite3.Database | null = null;
  readonly transactions = new TransactionLock();
  private opened: ReturnType<PrismaBetterSqlite3["connect"]> | null = null;

  // One connection, whether lib/sql or Prisma asks first: lib/sql opens it through here without
  // Prisma's $connect, which loads Prisma's query compiler (~50 MB of WebAssembly), so a process that
  // only runs plain SQL (a worker) never loads it. Prisma's $disconnect disposes of it; the next ask reopens.
  override connect() {
    return (this.opened ??= this.open().catch((error: unknown) => {
      this.opened = null;
      throw error;
    }));
  }

  // Closes the connection if Prisma never took it (its $disconnect then does nothing).
  close(): void {
    if (this.connection?.open) this.connection.close();
    this.connection = null;
    this.opened = null;
  }

  private async open() {
    const adapter = await super.connect();
    const sqlite = adapter as unknown as SqliteAdapter;
    const client = sqlite.client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === "BEGIN" ? "SAVEPOINT prisma_transaction" : sql)) as typeof client.prepare;
    // Prisma's transaction holds the lock from before its BEGIN until after its COMMIT or ROLLBACK
    // (which end the savepoint's transaction too).
    const startTransaction = sqlite.startTransaction.bind(sqlite);
    sqlite.startTransaction = async (isolationLevel) => {
      const release = await this.transactions.acquire();
      try {
        await beginImmediateWithoutBlocking(client);
        const transaction = await startTransaction(isolationLevel).catch((error: unknown) => {
          if (client.inTransaction) client.exec("ROLLBACK");
          throw error;
        });
        const commit = transaction.commit.bind(transaction);
        const rollback = transaction.rollback.bind(transaction);
        transaction.commit = () => commit().finally(release);
        transaction.rollback = () => rollback().finally(release);
        return transaction;
      } catch (error) {
        release();
        throw error;
      }
    };
    const dispose = sqlite.dispose.bind(sqlite);
    sqlite.dispose = async () => {
      if (this.connection === client) this.close();
      else await dispose();
    };
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
  if (isPostgresUrl(url)) {
    // One pool for Prisma and the hot paths' plain SQL (lib/sql.ts), which skips Prisma's query
    // layer. A caller waits at most 15 s for a connection; an idle pool does not keep the process alive.
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 15_000, allowExitOnIdle: true });
    pool.on("error", (error) => logger.warn({ err: error.message }, "an idle PostgreSQL connection failed; the pool replaces it"));
    const client = new PostgresPrismaClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient;
    postgresPools.set(client, pool);
    return client;
  }
  const adapter = new ImmediateTransactionsSqlite({ url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const client = new PrismaClient({ adapter });
  sqliteAdapters.set(client, adapter);
  // Also closes the connection lib/sql opened when Prisma itself never connected.
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    adapter.close();
  };
  return client;
}

const globalForPools = globalThis as unknown as { postgresPools?: WeakMap<PrismaClient, pg.Pool> };
const postgresPools = (globalForPools.postgresPools ??= new WeakMap<PrismaClient, pg.Pool>());

// The node-postgres pool under a PostgreSQL client.
export function postgresPoolOf(client: PrismaClient): pg.Pool {
  const pool = postgresPools.get(client);
  if (!pool) throw new Error("not a PostgreSQL client");
  return pool;
}

// The better-sqlite3 connection under a SQLite client, and the lock its transactions take turns through.
export async function sqliteConnectionOf(client: PrismaClient): Promise<{ connection: BetterSqlite3.Database; transactions: TransactionLock }> {
  const adapter = sqliteAdapters.get(client);
  if (!adapter) throw new Error("not a SQLite client");
  if (!adapter.connection?.open) await adapter.connect();
  return { connection: adapter.connection!, transactions: adapter.transactions };
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
