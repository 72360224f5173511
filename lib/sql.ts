// SQL for the hot paths: the statements that record status changes and deliver pushes, run
// thousands of times a second. Prisma compiles every query anew (about 0.3 ms of CPU each); these run
// as plain SQL instead, on SQLite as statements prepared once per connection. Everything else stays
// on Prisma. On SQLite the statements run on the one connection of the process that Prisma also uses
// (see lib/db.ts), in transactions of their own; on PostgreSQL they run on node-postgres, on the
// pool Prisma also uses.
import "server-only";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "@/lib/database-url";
import { beginImmediateWithoutBlocking, db, postgresPoolOf, sqliteConnectionOf, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { walSync, type WalSync } from "@/lib/wal-sync";

export type SqlScalar = string | number | boolean | Date | null;
export type SqlParam = SqlScalar | (string | number | boolean | null)[];

// A column's type, for PostgreSQL to read a list of its values (see Sql.update).
export type ColumnType = "text" | "integer" | "timestamp" | "boolean";
// Which rows an update changes (`keys`, matched by equality) and what it sets (`set`), each column
// with its type; every row gives the keys' values, then the set columns'. `where`: a further
// condition, its columns qualified by the table's name.
export type RowUpdate = { keys: Record<string, ColumnType>; set: Record<string, ColumnType>; where?: string };

// Statements are written with `?` placeholders, in SQL both providers accept.
export interface Sql {
  all<Row>(text: string, params?: SqlParam[]): Promise<Row[]>;
  // How many rows the statement changed.
  run(text: string, params?: SqlParam[]): Promise<number>;
  // Inserts rows in as few round trips as the provider needs.
  insert(table: string, columns: string[], rows: SqlParam[][]): Promise<void>;
  // Updates each row to values of its own, in as few round trips as the provider needs; returns the
  // first key of every row it changed (a row the keys or `where` no longer match is left out).
  update(table: string, update: RowUpdate, rows: SqlScalar[][]): Promise<SqlParam[]>;
}

type Tx = Prisma.TransactionClient;

export const sqlOnPostgres = isPostgresUrl(env.DATABASE_URL);

// `column IN_LIST` with listParam(values): a list as one parameter, so that a statement's text (and
// its prepared form) is the same whatever the list's length.
export const IN_LIST = sqlOnPostgres ? "= ANY(?::text[])" : "IN (SELECT value FROM json_each(?))";
export const NOT_IN_LIST = sqlOnPostgres ? "<> ALL(?::text[])" : "NOT IN (SELECT value FROM json_each(?))";
// `FROM LIST_ROWS` with listParam(values): the values as rows, of one column, `list.value`.
export const LIST_ROWS = sqlOnPostgres ? "unnest(?::text[]) AS list(value)" : "json_each(?) AS list";
export const listParam = (values: string[]): SqlParam => (sqlOnPostgres ? values : JSON.stringify(values));

// The form Prisma's SQLite adapter stores: ISO 8601 with an explicit offset, so text order is time order.
function sqliteValue(value: SqlParam) {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return Number(value);
  return Array.isArray(value) ? JSON.stringify(value) : value;
}

const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statement(connection: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = prepared.get(connection);
  if (!cache) prepared.set(connection, (cache = new Map()));
  let found = cache.get(text);
  if (!found) {
    // The adapter turns safe integers on for the connection; these statements read plain numbers.
    found = connection.prepare(text).safeIntegers(false);
    cache.set(text, found);
  }
  return found;
}

// One prepared statement run for each row: in-process, a run costs microseconds, where a set-based
// UPDATE re-reads its list for every row.
function sqliteUpdate(connection: BetterSqlite3.Database): Sql["update"] {
  return async (table, { keys, set, where }, rows) => {
    const keyCount = Object.keys(keys).length;
    const assignments = Object.keys(set).map((column) => `${column} = ?`).join(", ");
    const matches = [...Object.keys(keys).map((column) => `${column} = ?`), ...(where ? [where] : [])].join(" AND ");
    const updateRow = statement(connection, `UPDATE ${table} SET ${assignments} WHERE ${matches}`);
    const changed: SqlParam[] = [];
    for (const row of rows) {
      if (updateRow.run(...row.slice(keyCount).map(sqliteValue), ...row.slice(0, keyCount).map(sqliteValue)).changes > 0) changed.push(row[0]!);
    }
    return changed;
  };
}

function sqliteSql(connection: BetterSqlite3.Database): Sql {
  return {
    all: async <Row>(text: string, params: SqlParam[] = []) => statement(connection, text).all(...params.map(sqliteValue)) as Row[],
    run: async (text, params = []) => statement(connection, text).run(...params.map(sqliteValue)).changes,
    insert: async (table, columns, rows) => {
      const insertRow = statement(connection, `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      for (const row of rows) insertRow.run(...row.map(sqliteValue));
    },
    update: sqliteUpdate(connection),
  };
}

const numbered = new Map<string, string>();
function postgresText(text: string): string {
  let found = numbered.get(text);
  if (found === undefined) {
    let index = 0;
    found = text.replace(/\?/g, () => `$${++index}`);
    numbered.set(text, found);
  }
  return found;
}

// PostgreSQL binds at most 65,535 parameters per statement.
const MAX_PARAMETERS = 30_000;

// Inserts through `run`, as many rows per statement as PostgreSQL binds.
function postgresInsert(run: Sql["run"]): Sql["insert"] {
  return async (table, columns, rows) => {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    for (let from = 0; from < rows.length; from += perStatement) {
      const chunk = rows.slice(from, from + perStatement);
      const values = chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
      await run(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`, chunk.flat());
    }
  };
}

// One statement for all the rows: each column's values as one array, read back as rows by unnest.
function postgresUpdate(all: Sql["all"]): Sql["update"] {
  return async (table, { keys, set, where }, rows) => {
    if (rows.length === 0) return [];
    const columns = [...Object.entries(keys), ...Object.entries(set)];
    const keyCount = Object.keys(keys).length;
    const lists = columns.map(([, type]) => `?::${type}[]`).join(", ");
    const names = columns.map((_, index) => `c${index}`);
    const assignments = Object.keys(set).map((column, index) => `${column} = v.${names[keyCount + index]}`).join(", ");
    const matches = [...Object.keys(keys).map((column, index) => `${table}.${column} = v.${names[index]}`), ...(where ? [where] : [])].join(" AND ");
    const firstKey = Object.keys(keys)[0]!;
    const changed = await all<Record<string, SqlParam>>(
      `UPDATE ${table} SET ${assignments} FROM unnest(${lists}) AS v(${names.join(", ")}) WHERE ${matches} RETURNING ${table}.${firstKey}`,
      columns.map((_, index) => rows.map((row) => pgValue(row[index]!) as string | number | boolean | null)),
    );
    return changed.map((row) => row[firstKey]!);
  };
}

// Through a Prisma transaction's raw queries, beside its Prisma calls (sqlTransactionWithPrisma).
function prismaRawSql(client: Pick<Tx, "$queryRawUnsafe" | "$executeRawUnsafe">): Sql {
  const run: Sql["run"] = (text, params = []) => client.$executeRawUnsafe(postgresText(text), ...params);
  const all: Sql["all"] = <Row>(text: string, params: SqlParam[] = []) => client.$queryRawUnsafe<Row[]>(postgresText(text), ...params);
  return { all, run, insert: postgresInsert(run), update: postgresUpdate(all) };
}

// Values as the columns Prisma creates read them: a DateTime column is a timestamp without time
// zone holding UTC, so a time goes as UTC text (node-postgres would send the process's local time)
// and comes back read as UTC; a count (int8) comes back as a number, as it fits.
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TIMESTAMP_OID) return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
    if (oid === INT8_OID) return Number;
    return pg.types.getTypeParser(oid, format as "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};
const pgValue = (value: SqlParam) => (value instanceof Date ? value.toISOString() : value);

// Statements prepared on the server once per connection (parsed and planned once), by text. Bounded:
// multi-row inserts vary with their row count.
const MAX_PREPARED = 500;
const preparedNames = new Map<string, string>();
function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED) preparedNames.set(text, (name = `cwc_${preparedNames.size + 1}`));
  return name;
}

// Straight on node-postgres: no query compilation, one round trip per statement. `prepared`: the
// statement is prepared once per connection (see preparedName); else planned for its values each time.
function pgSql(client: pg.Pool | pg.PoolClient, prepared = true): Sql {
  const query = (text: string, params: SqlParam[]) =>
    client.query({ name: prepared ? preparedName(text) : undefined, text: postgresText(text), values: params.map(pgValue), types: pgTypes });
  const run: Sql["run"] = async (text, params = []) => (await query(text, params)).rowCount ?? 0;
  const all: Sql["all"] = async <Row>(text: string, params: SqlParam[] = []) => (await query(text, params)).rows as Row[];
  return { all, run, insert: postgresInsert(run), update: postgresUpdate(all) };
}

async function pgTransaction<T>(work: (sql: Sql) => Promise<T>, { timeout, durability }: TransactionOptions): Promise<T> {
  const client = await postgresPoolOf(db).connect();
  let broken: Error | undefined;
  try {
    const began = Date.now();
    // A replayable commit does not wait for the log's flush; the server keeps commits in order, so a
    // crash loses at most the last few (their pushes go out again under the same webhook-id).
    await client.query(durability === "replayable" ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN");
    try {
      const result = await work(pgSql(client));
      if (timeout !== undefined && Date.now() - began > timeout) throw new Error(`transaction took longer than ${timeout} ms; rolled back`);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      // A connection that cannot even roll back is dropped from the pool, not reused.
      await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

// What a commit must survive on SQLite.
// - "durable": a power loss too, for what nothing else could bring back: a status change and its
//   notification, an administrator's action. The caller is answered once the write-ahead log is on
//   disk (lib/wal-sync.ts); other connections may see the commit a moment before.
// - "durable-before-visible": the same, synced inside COMMIT (on the event loop) so that no process
//   can act on the commit before it is on disk: pushes formed from notifications that already exist
//   (formed again after a loss, one would go out under two webhook-ids).
// - "replayable": the process crashing, not the machine (the sync is left to the next durable commit
//   or checkpoint), for the delivery bookkeeping, leases and attempts, whose loss only makes a push go
//   out again under the same webhook-id.
// On PostgreSQL a commit is on disk when it returns, but for a replayable one (an asynchronous
// commit: a crash of the server loses at most the last fraction of a second of them).
export type Durability = "durable" | "durable-before-visible" | "replayable";

type TransactionOptions = {
  durability?: Durability;
  // Longer, and the transaction rolls back instead of committing (readers rely on the bound).
  timeout?: number;
};

const prismaOptions = ({ timeout }: TransactionOptions) => (timeout !== undefined ? { timeout } : {});

// The log sync of a connection in WAL mode (every migrated database file); null for other journals,
// whose durable commits keep synchronous = FULL.
const walSyncs = new WeakMap<BetterSqlite3.Database, WalSync | null>();
function walSyncOf(connection: BetterSqlite3.Database): WalSync | null {
  let found = walSyncs.get(connection);
  if (found === undefined) {
    found = connection.pragma("journal_mode", { simple: true }) === "wal" ? walSync(`${connection.name}-wal`) : null;
    walSyncs.set(connection, found);
  }
  return found;
}

// Runs `work` in one transaction of plain SQL, and returns once it is durable. On SQLite it is the
// connection's own BEGIN IMMEDIATE and COMMIT, taking turns with Prisma's transactions through the
// connection's lock; a durable one's log sync runs after the lock is handed on. On PostgreSQL, a
// Prisma transaction's raw queries.
export async function sqlTransaction<T>(work: (sql: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { result, onDisk } = await commitSqlTransaction(work, options);
  await onDisk;
  return result;
}

// The same, returning once committed, with when it is on disk: for a group commit, which goes on
// with the next group while the callers of this one wait for the sync.
export async function commitSqlTransaction<T>(work: (sql: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<{ result: T; onDisk: Promise<void> }> {
  if (sqlOnPostgres) return { result: await pgTransaction(work, options), onDisk: Promise.resolve() };
  const { connection, transactions } = await sqliteConnectionOf(db);
  const durability = options.durability ?? "durable";
  const logSync = durability === "durable" ? walSyncOf(connection) : null;
  const syncInCommit = durability === "durable-before-visible" || (durability === "durable" && !logSync);
  const release = await transactions.acquire();
  let result: T;
  try {
    result = await sqliteTransaction(connection, work, { syncInCommit, timeout: options.timeout });
  } finally {
    release();
  }
  // Asked for at once, so that durableCommitsSynced() covers this commit from now on.
  const onDisk = logSync?.afterCommit() ?? Promise.resolve();
  // Its failure reaches whoever awaits it; it is not an unhandled rejection meanwhile.
  onDisk.catch(() => undefined);
  return { result, onDisk };
}

// Resolves once this process's durable commits so far are on disk, for what is about to leave the
// machine: a push formed with its status change goes out only once the change is durable. (Another
// process's commits are not waited for: at worst, a power loss forgets a change whose push went out
// and whose caller got no answer.) On PostgreSQL a commit is durable when it returns.
export async function durableCommitsSynced(): Promise<void> {
  if (sqlOnPostgres) return;
  await walSyncOf((await sqliteConnectionOf(db)).connection)?.settled();
}

async function sqliteTransaction<T>(connection: BetterSqlite3.Database, work: (sql: Sql) => Promise<T>, { syncInCommit, timeout }: { syncInCommit: boolean; timeout?: number }): Promise<T> {
  // Not a cached statement: SQLite applies this pragma when it is prepared, not when it runs.
  // FULL stays the connection's default for Prisma's own transactions.
  if (!syncInCommit) connection.exec("PRAGMA synchronous = NORMAL");
  try {
    const began = Date.now();
    await beginImmediateWithoutBlocking(connection);
    try {
      const result = await work(sqliteSql(connection));
      if (timeout !== undefined && Date.now() - began > timeout) throw new Error(`transaction took longer than ${timeout} ms; rolled back`);
      statement(connection, "COMMIT").run();
      return result;
    } catch (error) {
      if (connection.inTransaction) statement(connection, "ROLLBACK").run();
      throw error;
    }
  } finally {
    if (!syncInCommit) connection.exec("PRAGMA synchronous = FULL");
  }
}

// A Prisma transaction with plain SQL beside its Prisma calls (the console's less frequent writes).
export async function sqlTransactionWithPrisma<T>(work: (sql: Sql, tx: Tx) => Promise<T>, options: Omit<TransactionOptions, "durability"> = {}): Promise<T> {
  if (sqlOnPostgres) return db.$transaction((tx) => work(prismaRawSql(tx), tx), prismaOptions(options));
  const { connection } = await sqliteConnectionOf(db);
  return db.$transaction((tx) => work(sqliteSql(connection), tx), prismaOptions(options));
}

// Statements outside a transaction (reads). `planEachTime`: on PostgreSQL, plan each statement for its
// values instead of reusing a prepared one, for reads whose best plan depends on them (a prepared
// statement soon runs a generic plan: the event log's device filter then read a frequent device's items
// of every account, 120 ms instead of 7, to find one small account's). SQLite plans at prepare anyway.
export async function directSql({ planEachTime = false } = {}): Promise<Sql> {
  return sqlOnPostgres ? pgSql(postgresPoolOf(db), !planEachTime) : sqliteSql((await sqliteConnectionOf(db)).connection);
}

// A time column's value as the provider returns it: text on SQLite, a Date on PostgreSQL.
export function timeOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string | number);
}
