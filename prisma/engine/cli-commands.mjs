// The one-shot commands `<bin> --datasource '{"url":...}' cli <command>` that the Prisma CLI runs
// before migrate/db commands. Exit code 0 means success. On failure the CLI skips the first stderr line
// and parses every further line as JSON, looking for level ERROR, target schema_engine::logger and
// fields.error_code + fields.message (P1003 "database does not exist" makes it run create-database).
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { isDriverAdapterError } from "@prisma/driver-adapter-utils";
import { connectPostgres, runPostgresStatement } from "./adapters.mjs";
import { postgresDetails, providerOf, quoteIdent, sqliteFilePath, withDatabase } from "./datasource.mjs";

class UserFacingError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const COMMANDS = {
  "can-connect-to-database": { sqlite: sqliteCanConnect, postgres: postgresCanConnect },
  "create-database": { sqlite: sqliteCreate, postgres: postgresCreate },
  "drop-database": { sqlite: sqliteDrop, postgres: postgresDrop },
};

/** Runs `cli <command>` and resolves to the process exit code. */
export async function runCliCommand(command, datasource) {
  try {
    const implementation = COMMANDS[command];
    if (!implementation) throw new Error(`Unknown schema engine CLI command: ${command}`);
    await implementation[providerOf(datasource?.url)](datasource.url);
    return 0;
  } catch (error) {
    await writeStderr(cliErrorOutput(error));
    return 1;
  }
}

function cliErrorOutput(error) {
  const timestamp = new Date().toISOString();
  const start = { timestamp, level: "INFO", fields: { message: "Starting schema engine CLI" }, target: "schema_engine_cli" };
  const fields = { message: error instanceof Error ? error.message : String(error) };
  if (error instanceof UserFacingError) fields.error_code = error.code;
  const failure = { timestamp, level: "ERROR", fields, target: "schema_engine::logger" };
  // No trailing newline: the CLI JSON-parses every line after the first one.
  return `${JSON.stringify(start)}\n${JSON.stringify(failure)}`;
}

function writeStderr(text) {
  return new Promise((resolve) => process.stderr.write(text, () => resolve()));
}

// --- SQLite -------------------------------------------------------------------------------------

function sqliteCanConnect(url) {
  const file = sqliteFilePath(url);
  if (!existsSync(file)) {
    throw new UserFacingError("P1003", `Database \`${path.basename(file)}\` does not exist at \`${file}\`.`);
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare("SELECT count(*) FROM sqlite_master").get(); // fails on a file that is not a database
  } finally {
    db.close();
  }
}

function sqliteCreate(url) {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  new Database(file).close();
}

function sqliteDrop(url) {
  const file = sqliteFilePath(url);
  for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
}

// --- PostgreSQL ---------------------------------------------------------------------------------

async function postgresCanConnect(url) {
  await withPostgresErrors(url, async () => {
    const adapter = await connectPostgres(url);
    try {
      await adapter.queryRaw({ sql: "SELECT 1", args: [], argTypes: [] });
    } finally {
      await adapter.dispose();
    }
  });
}

async function postgresCreate(url) {
  const { database } = postgresDetails(url);
  await withPostgresErrors(url, () => runPostgresStatement(maintenanceUrl(url), `CREATE DATABASE ${quoteIdent(database)}`));
}

async function postgresDrop(url) {
  const { database } = postgresDetails(url);
  await withPostgresErrors(url, () => runPostgresStatement(maintenanceUrl(url), `DROP DATABASE ${quoteIdent(database)}`));
}

/** CREATE/DROP DATABASE run from the server's `postgres` database, as Prisma's native engine does. */
function maintenanceUrl(url) {
  return withDatabase(url, "postgres");
}

/** Turns adapter-pg errors into Prisma's user-facing error codes and messages. */
async function withPostgresErrors(url, run) {
  try {
    await run();
  } catch (error) {
    throw toUserFacingError(error, postgresDetails(url));
  }
}

function toUserFacingError(error, { host, port, user, database }) {
  const at = `\`${host}:${port}\``;
  const kind = isDriverAdapterError(error) ? error.cause.kind : undefined;
  const unreachable = new UserFacingError(
    "P1001",
    `Can't reach database server at ${at}\n\nPlease make sure your database server is running at ${at}.`,
  );
  switch (kind) {
    case "DatabaseNotReachable":
    case "ConnectionClosed":
    case "SocketTimeout":
      return unreachable;
    case "DatabaseDoesNotExist":
      return new UserFacingError("P1003", `Database \`${database}\` does not exist on the database server at ${at}.`);
    case "DatabaseAlreadyExists":
      return new UserFacingError("P1009", `Database \`${database}\` already exists on the database server at ${at}`);
    case "AuthenticationFailed":
      return new UserFacingError(
        "P1000",
        `Authentication failed against database server, the provided database credentials for \`${user}\` are not valid.\n\n` +
          `Please make sure to provide valid database credentials for the database server at ${at}.`,
      );
    case "DatabaseAccessDenied":
      return new UserFacingError("P1010", `User \`${user}\` was denied access on the database \`${database}\``);
    case "TlsConnectionError":
      return new UserFacingError("P1011", `Error opening a TLS connection: ${error.cause.reason}`);
  }
  if (/timeout|Connection terminated|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/i.test(String(error?.message ?? error))) return unreachable;
  return error;
}
