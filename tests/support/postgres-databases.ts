// Throwaway PostgreSQL databases for one test run: a migrated template, one clone per test file, all
// named after the run (cwc_test_<pid>_<random>) so that the run drops its own and the next run
// drops those a killed run left behind, without touching the databases of a concurrent run.
import { randomBytes } from "node:crypto";
import pg from "pg";

const RUN_NAME = /^cwc_test_(\d+)_[0-9a-f]+/;

export function newRunPrefix(): string {
  return `cwc_test_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** The URL of another database on the same server (and with the same user and options). */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Runs statements on the server's maintenance connection (the database the URL names). */
export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `The PostgreSQL integration run needs a server: ${redacted(serverUrl)} is not reachable (${(error as Error).message}). ` +
        "Start PostgreSQL there, or set TEST_DATABASE_URL=postgresql://<user>@<host>:<port>/<database> to a server where that user may CREATE DATABASE.",
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redacted(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.password) url.password = "***";
  return url.toString();
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function createDatabase(client: pg.Client, name: string, template?: string): Promise<void> {
  const sql = `CREATE DATABASE ${quoted(name)}${template ? ` TEMPLATE ${quoted(template)}` : ""}`;
  // Two clones of one template at the same moment can fail with "source database ... is being
  // accessed by other users": wait a little and try again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.query(sql);
      return;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Drops this run's databases, and those of earlier runs whose process is gone. */
export async function dropTestDatabases(client: pg.Client, runPrefix?: string): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'cwc\\_test\\_%'");
  for (const { datname } of rows) {
    const pid = RUN_NAME.exec(datname)?.[1];
    const ours = runPrefix !== undefined && datname.startsWith(`${runPrefix}_`);
    if (ours || (pid !== undefined && !processIsAlive(Number(pid)))) await client.query(`DROP DATABASE IF EXISTS ${quoted(datname)} WITH (FORCE)`);
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
