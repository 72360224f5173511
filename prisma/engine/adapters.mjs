// Driver adapters the WebAssembly schema engine runs its SQL through, one per supported provider.
// SQLite needs two bridges over @prisma/adapter-better-sqlite3 7.10: multi-statement scripts in executeRaw,
// and the double-quoted index name in the engine's read of a partial index's WHERE clause.
// PostgreSQL needs three bridges over @prisma/adapter-pg 7.10 (see README.md):
//   1. pg_catalog columns of the internal type "char" (OID 18) are reported as text;
//   2. the shadow database is a real, separate database that we create and drop ourselves;
//   3. migration scripts are sent whole, not split at every ";" (which breaks 'a;b' literals).
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { postgresDetails, providerOf, quoteIdent, sqliteFilePath, withDatabase } from "./datasource.mjs";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const PG_CONNECT_TIMEOUT_MS = 5_000;

/** A migration-aware adapter factory (not yet bound) for `{ url, shadowDatabaseUrl? }`. */
export function createAdapterFactory({ url, shadowDatabaseUrl }) {
  return providerOf(url) === "sqlite"
    ? sqliteAdapterFactory(url, shadowDatabaseUrl)
    : postgresAdapterFactory(url, shadowDatabaseUrl);
}

function sqliteAdapterFactory(url, shadowDatabaseUrl) {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  // Without an explicit shadow URL the adapter uses an in-memory shadow database.
  const options = shadowDatabaseUrl ? { shadowDatabaseUrl: sqliteFilePath(shadowDatabaseUrl) } : undefined;
  const factory = new PrismaBetterSqlite3({ url: file }, options);
  return {
    provider: "sqlite",
    adapterName: factory.adapterName,
    connect: async () => quoteIndexNamesAsStrings(acceptMultiStatementScripts(await factory.connect())),
    connectToShadowDb: async () => quoteIndexNamesAsStrings(acceptMultiStatementScripts(await factory.connectToShadowDb())),
  };
}

/**
 * SQLite gap: the engine replays migrations on the shadow database with executeRaw(<whole script>),
 * but adapter-better-sqlite3's executeRaw prepares a single statement ("The supplied SQL string
 * contains more than one statement"), so `migrate dev` failed (P3006) once a migration had several
 * statements. Run such parameterless scripts through executeScript (better-sqlite3's exec) instead.
 */
function acceptMultiStatementScripts(adapter) {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      const multiStatement = error instanceof RangeError && /more than one statement/.test(error.message);
      if (!multiStatement || query.args.length > 0) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

/**
 * SQLite gap: to read a partial index's WHERE clause the engine asks
 * `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = "<index>"`, a double-quoted string that
 * better-sqlite3's SQLite (built without double-quoted string literals) reads as a column name, so
 * describing a database with a partial index failed. Send the name as a parameter instead.
 */
const INDEX_SQL_BY_DOUBLE_QUOTED_NAME = /^(SELECT sql FROM sqlite_master WHERE type = 'index' AND name = )"((?:[^"]|"")*)";?\s*$/;

function quoteIndexNamesAsStrings(adapter) {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = (query) => {
    const match = query.args.length === 0 ? INDEX_SQL_BY_DOUBLE_QUOTED_NAME.exec(query.sql) : null;
    if (!match) return queryRaw(query);
    return queryRaw({ ...query, sql: `${match[1]}?`, args: [match[2].replaceAll('""', '"')], argTypes: [{ scalarType: "string", arity: "scalar" }] });
  };
  return adapter;
}

function postgresAdapterFactory(url, shadowDatabaseUrl) {
  // `?schema=` selects the PostgreSQL schema, as with the native engine (default: public).
  const { schema } = postgresDetails(url);
  const connect = async (target) => {
    const adapter = await connectPostgres(target, schema);
    if (schema) await adapter.executeScript(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    return adapter;
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connect(url),
    connectToShadowDb: () => (shadowDatabaseUrl ? connect(shadowDatabaseUrl) : connectTemporaryShadowDb(url, connect)),
  };
}

/**
 * An adapter-pg connection with bridges 1 (also for its transactions) and 3 applied. With `schema`,
 * unqualified names resolve in that schema (search_path) and the engine introspects it.
 */
export async function connectPostgres(url, schema) {
  const config = { connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS };
  if (schema) config.options = `-c search_path=${quoteIdent(schema)}`;
  const factory = new PrismaPg(config, schema ? { schema } : undefined);
  const adapter = reportCharColumnsAsText(await factory.connect());
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => reportCharColumnsAsText(await startTransaction(...args));
  adapter.executeScript = (script) => executeWholeScript(adapter, script);
  return adapter;
}

/**
 * Gap 3: adapter-pg's executeScript splits the script at every ";", even inside string literals, so a
 * generated migration with `DEFAULT 'a;b'` fails. Send it whole as one simple-protocol query instead,
 * as the native engine does (PostgreSQL then runs it as one implicit transaction).
 */
async function executeWholeScript(adapter, script) {
  try {
    await adapter.underlyingDriver().query(script);
  } catch (error) {
    adapter.onError(error); // rethrows as a DriverAdapterError, like adapter-pg itself
  }
}

/**
 * Gap 1: adapter-pg cannot map OID 18 ("char", e.g. pg_class.relkind, pg_constraint.contype), so the
 * engine's introspection fails with "Column type 'char' could not be deserialized". The values are
 * already plain strings; relabelling the field as text before adapter-pg maps the types is enough.
 */
function reportCharColumnsAsText(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return queryable;
}

/**
 * Gap 2: adapter-pg's own connectToShadowDb connects back to the main database (its connectionString
 * wins over the `database` it adds) and drops the shadow database while that pool is still open.
 * Here: create a uniquely named database, connect to it by URL, and on dispose close, then drop it.
 */
async function connectTemporaryShadowDb(url, connect) {
  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  await runPostgresStatement(url, `CREATE DATABASE ${quoteIdent(name)}`);
  let shadow;
  try {
    shadow = await connect(withDatabase(url, name));
  } catch (error) {
    await dropDatabase(url, name);
    throw error;
  }
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await dispose();
    await dropDatabase(url, name);
  };
  return shadow;
}

async function dropDatabase(url, name) {
  try {
    await runPostgresStatement(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } catch {
    // PostgreSQL before 13 has no WITH (FORCE); our own pool is closed by now anyway.
    await runPostgresStatement(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }
}

/** Runs one statement on a short-lived connection to `url` (CREATE/DROP DATABASE cannot run in a transaction). */
export async function runPostgresStatement(url, sql) {
  const adapter = await connectPostgres(url);
  try {
    await adapter.executeScript(sql);
  } finally {
    await adapter.dispose();
  }
}
