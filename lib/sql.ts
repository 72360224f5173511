// SQL for the hot paths: the statements that record status changes and deliver pushes, run
// thousands of times a second. Prisma compiles every query anew (about 0.3 ms of CPU each); these run
// as plain SQL instead, on SQLite as statements prepared once per connection. Everything else stays
// on Prisma. Transactions are still Prisma's: on SQLite the prepared statements run on the very
// connection its transaction holds (one connection per process, see lib/db.ts); on PostgreSQL they
// go through the transaction's raw queries.
import "server-only";
import type BetterSqlite3 from "better-sqlite3";
import { isPostgresUrl } from "@/lib/database-url";
import { db, sqliteConnectionOf, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";

export type SqlParam = string | number | boolean | Date | null | string[];

// Statements are written with `?` placeholders, in SQL both providers accept.
export interface Sql {
  all<Row>(text: string, params?: SqlParam[]): Promise<Row[]>;
  // How many rows the statement changed.
  run(text: string, params?: SqlParam[]): Promise<number>;
  // Inserts rows in as few round trips as the provider needs.
  insert(table: string, columns: string[], rows: SqlParam[][]): Promise<void>;
}

type Tx = Prisma.TransactionClient;

export const sqlOnPostgres = isPostgresUrl(env.DATABASE_URL);

// `column IN_LIST` with listParam(values): a list as one parameter, so that a statement's text (and
// its prepared form) is the same whatever the list's length.
export const IN_LIST = sqlOnPostgres ? "= ANY(?::text[])" : "IN (SELECT value FROM json_each(?))";
export const NOT_IN_LIST = sqlOnPostgres ? "<> ALL(?::text[])" : "NOT IN (SELECT value FROM json_each(?))";
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

function sqliteSql(connection: BetterSqlite3.Database): Sql {
  return {
    all: async <Row>(text: string, params: SqlParam[] = []) => statement(connection, text).all(...params.map(sqliteValue)) as Row[],
    run: async (text, params = []) => statement(connection, text).run(...params.map(sqliteValue)).changes,
    insert: async (table, columns, rows) => {
      const insertRow = statement(connection, `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      for (const row of rows) insertRow.run(...row.map(sqliteValue));
    },
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

function postgresSql(client: Pick<Tx, "$queryRawUnsafe" | "$executeRawUnsafe">): Sql {
  const sql: Sql = {
    all: <Row>(text: string, params: SqlParam[] = []) => client.$queryRawUnsafe<Row[]>(postgresText(text), ...params),
    run: (text, params = []) => client.$executeRawUnsafe(postgresText(text), ...params),
    insert: async (table, columns, rows) => {
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      for (let from = 0; from < rows.length; from += perStatement) {
        const chunk = rows.slice(from, from + perStatement);
        const values = chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
        await sql.run(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`, chunk.flat());
      }
    },
  };
  return sql;
}

type TransactionOptions = { timeout?: number; maxWait?: number };

// Runs `work` in one transaction: `sql` for the hot statements, `tx` for the Prisma calls beside them.
export async function sqlTransaction<T>(work: (sql: Sql, tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
  if (sqlOnPostgres) return db.$transaction((tx) => work(postgresSql(tx), tx), options);
  const connection = await sqliteConnectionOf(db);
  return db.$transaction((tx) => work(sqliteSql(connection), tx), options);
}

// Statements outside a transaction (reads).
export async function directSql(): Promise<Sql> {
  return sqlOnPostgres ? postgresSql(db) : sqliteSql(await sqliteConnectionOf(db));
}

// A time column's value as the provider returns it: text on SQLite, a Date on PostgreSQL.
export function timeOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string | number);
}
