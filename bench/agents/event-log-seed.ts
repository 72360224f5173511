// Seeds the event-log benchmark's database (DATABASE_URL): accounts, owners and webhook settings
// through the app's services, then a month of webhook history per account (event-log-history.ts)
// written with raw SQL, many rows per transaction. Writes what it made to <result.json>.
//   event-log-seed.ts <accounts> <attempts> <result.json> [settled]
// `settled`: leaves no push open (see AccountHistorySpec), for benchmarks that deliver on the database.
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { isPostgresUrl, sqliteFilePath } from "@/lib/database-url";
import { db } from "@/lib/db";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { accountHistory, devicesFor, TABLES, type HistoryChunk, type HistoryTotals, type Value } from "./event-log-history";

export type SeededAccount = { id: string; name: string; pushes: number; attempts: number; devices: number };
export type SeedResult = { accounts: SeededAccount[]; start: string; end: string; totals: HistoryTotals; seconds: number };

type HistoryWriter = { write(chunk: HistoryChunk): Promise<void>; close(): Promise<void> };

const DAY_MS = 24 * 60 * 60 * 1000;

// Rows as the SQLite driver adapter stores them: times as ISO-8601 text with "+00:00".
function sqliteWriter(file: string): HistoryWriter {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF"); // this connection only: a seed that dies is run again
  const inserts = TABLES.map((table) => sqlite.prepare(`INSERT INTO ${table.name} (${table.columns.map(([name]) => name).join(", ")}) VALUES (${table.columns.map(() => "?").join(", ")})`));
  const toSqlite = (value: Value) => (value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value);
  const writeChunk = sqlite.transaction((chunk: HistoryChunk) => {
    TABLES.forEach((table, index) => {
      for (const row of chunk[table.name]) inserts[index]!.run(row.map(toSqlite));
    });
  });
  return {
    write: async (chunk) => writeChunk(chunk),
    close: async () => void sqlite.close(),
  };
}

// One INSERT … SELECT FROM unnest(arrays) per table: a whole chunk in one statement per table.
function postgresWriter(url: string): HistoryWriter {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect().then(() => client.query("SET synchronous_commit = off"));
  const castOf = { text: "text[]", int: "int[]", time: "timestamp(3)[]" } as const;
  const statements = TABLES.map(
    (table) =>
      `INSERT INTO ${table.name} (${table.columns.map(([name]) => name).join(", ")}) SELECT * FROM unnest(${table.columns.map(([, type], index) => `$${index + 1}::${castOf[type]}`).join(", ")})`,
  );
  return {
    async write(chunk) {
      await connected;
      await client.query("BEGIN");
      for (const [index, table] of TABLES.entries()) {
        const rows = chunk[table.name];
        if (rows.length === 0) continue;
        const columns = table.columns.map((_, column) => rows.map((row) => (row[column] instanceof Date ? (row[column] as Date).toISOString() : row[column])));
        await client.query(statements[index]!, columns);
      }
      await client.query("COMMIT");
    },
    async close() {
      await connected;
      await client.query("ANALYZE"); // what autovacuum does shortly after a bulk load
      await client.end();
    },
  };
}

// Account sizes follow Zipf's law (the k-th largest has 1/k of the largest's share), as tenants do.
function attemptBudgets(accounts: number, attempts: number): number[] {
  const weights = Array.from({ length: accounts }, (_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => Math.round((attempts * weight) / total));
}

async function createAccount(index: number): Promise<{ id: string; name: string; callbackUrl: string }> {
  const number = String(index + 1).padStart(3, "0");
  const name = `Bench tenant ${number}`;
  const email = `owner-${number}@tenant.example`;
  const created = await createUserWithAccount({ accountName: name, plan: "enterprise", email, role: "owner" }, "cli");
  const callbackUrl = `https://hooks.vendor.example/compliance/tenant-${number}`;
  await saveWebhookSettings({ id: created.accountId, plan: created.accountPlan }, { callbackUrl, apiKey: `bench-key-${number}`, events: [...DEVICE_STATUSES], enabled: true }, email);
  return { id: created.accountId, name, callbackUrl };
}

const [accountsArg, attemptsArg, resultFile, settledArg] = process.argv.slice(2);
const started = performance.now();
const url = process.env.DATABASE_URL!;
const writer = isPostgresUrl(url) ? postgresWriter(url) : sqliteWriter(sqliteFilePath(url)!);
const end = new Date();
const start = new Date(end.getTime() - 30 * DAY_MS);
const totals: HistoryTotals = { pushes: 0, attempts: 0, notifications: 0 };
const accounts: SeededAccount[] = [];
for (const [index, budget] of attemptBudgets(Number(accountsArg), Number(attemptsArg)).entries()) {
  const account = await createAccount(index);
  const before = { ...totals };
  for (const chunk of accountHistory({ accountId: account.id, callbackUrl: account.callbackUrl, attempts: budget, start, end, seed: index + 1, settled: settledArg === "settled" }, totals)) {
    await writer.write(chunk);
  }
  accounts.push({ id: account.id, name: account.name, pushes: totals.pushes - before.pushes, attempts: totals.attempts - before.attempts, devices: devicesFor(budget) });
}
await writer.close();
await db.$disconnect();
const result: SeedResult = { accounts, start: start.toISOString(), end: end.toISOString(), totals, seconds: (performance.now() - started) / 1000 };
writeFileSync(resultFile!, JSON.stringify(result));
