// The offline schema engine (prisma/engine/schema-engine.mjs) driven by the real Prisma CLI, the way
// `prisma migrate` runs it in production: no network, only PRISMA_SCHEMA_ENGINE_BINARY.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const engineBinary = path.join(root, "prisma/engine/schema-engine.mjs");
const prismaCli = path.join(root, "node_modules/prisma/build/index.js");

const PG_HOST = "127.0.0.1";
const PG_PORT = 5432;
const pgAdminUrl = (database: string) => `postgresql://postgres@${PG_HOST}:${PG_PORT}/${database}`;

// A prisma.config.ts without imports, so that it loads from a directory that has no node_modules.
const PRISMA_CONFIG = `export default {
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL },
};
`;

type Run = { code: number; stdout: string; stderr: string; output: string };

/** Runs a command with the env of an offline CLI session; never throws on a non-zero exit. */
function run(file: string, args: string[], cwd: string, databaseUrl: string): Promise<Run> {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PRISMA_SCHEMA_ENGINE_BINARY: engineBinary,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  };
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

function prisma(cwd: string, databaseUrl: string, ...args: string[]): Promise<Run> {
  return run(process.execPath, [prismaCli, ...args], cwd, databaseUrl);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp project: prisma.config.ts, the schema (optionally rewritten) and, if wanted, the migrations. */
function tempProject(options: { schema?: (text: string) => string; withMigrations: boolean }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "schema-engine-test-"));
  tempDirs.push(dir);
  const schema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
  writeFileSync(path.join(dir, "prisma.config.ts"), PRISMA_CONFIG);
  mkdirSync(path.join(dir, "prisma"));
  writeFileSync(path.join(dir, "prisma/schema.prisma"), options.schema ? options.schema(schema) : schema);
  if (options.withMigrations) cpSync(path.join(root, "prisma/migrations"), path.join(dir, "prisma/migrations"), { recursive: true });
  return dir;
}

// Every table the schema maps a model to, so the test follows the schema as it grows.
const EXPECTED_TABLES = [
  "_prisma_migrations",
  ...[...readFileSync(path.join(root, "prisma/schema.prisma"), "utf8").matchAll(/@@map\("([a-z_]+)"\)/g)].map((match) => match[1]!),
].sort();

// Not on the provider under test: it drives the CLI against both databases itself, so the PostgreSQL
// pass of the integration suite (TEST_DATABASE_URL set) would only repeat it.
const runsInThisPass = !process.env.TEST_DATABASE_URL;

describe.runIf(runsInThisPass)("offline schema engine with SQLite", () => {
  const dir = tempProject({ withMigrations: true });
  const dbFile = path.join(dir, "data", "nested", "app.db"); // parent directories do not exist yet
  const url = `file:${dbFile}`;

  it("has migrations to deploy", () => {
    expect(readdirSync(path.join(root, "prisma/migrations")).some((name) => name.endsWith("_init"))).toBe(true);
  });

  it("migrate deploy creates the tables in a fresh SQLite file", async () => {
    const result = await prisma(dir, url, "migrate", "deploy");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("All migrations have been successfully applied.");

    const db = new Database(dbFile, { readonly: true });
    try {
      const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
      const tables = rows.map((row) => row.name).filter((name) => !name.startsWith("sqlite_"));
      expect(tables).toEqual(EXPECTED_TABLES);
      const applied = db.prepare("SELECT migration_name, finished_at FROM _prisma_migrations").all() as {
        migration_name: string;
        finished_at: string | null;
      }[];
      expect(applied.length).toBeGreaterThan(0);
      expect(applied.every((row) => row.finished_at !== null)).toBe(true);
    } finally {
      db.close();
    }
  });

  it("a second migrate deploy is a no-op", async () => {
    const result = await prisma(dir, url, "migrate", "deploy");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("No pending migrations to apply.");
  });

  it("migrate status says the database is up to date", async () => {
    const result = await prisma(dir, url, "migrate", "status");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Database schema is up to date!");
  });

  it("migrate dev on the migrated database finds nothing to do (replaying the migrations on a shadow database)", async () => {
    const result = await prisma(dir, url, "migrate", "dev", "--name", "nothing");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Already in sync");
  });

  it("migrate dev adds a second migration on top of the project's migrations", async () => {
    const schemaFile = path.join(dir, "prisma/schema.prisma");
    writeFileSync(schemaFile, `${readFileSync(schemaFile, "utf8")}\nmodel Extra {\n  id Int @id\n}\n`);
    const result = await prisma(dir, url, "migrate", "dev", "--name", "extra");
    expect(result.code, result.output).toBe(0);
    const extra = readdirSync(path.join(dir, "prisma/migrations")).find((name) => name.endsWith("_extra"));
    expect(readFileSync(path.join(dir, "prisma/migrations", extra ?? "missing", "migration.sql"), "utf8")).toContain(
      'CREATE TABLE "Extra"',
    );
  });

  it("migrate diff prints the SQL script", async () => {
    const result = await prisma(dir, url, "migrate", "diff", "--from-empty", "--to-schema", "prisma/schema.prisma", "--script");
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('CREATE TABLE "accounts"');
  });

  it("migrate status on an empty, never-migrated file lists the pending migrations", async () => {
    const emptyFile = path.join(dir, "empty.db");
    new Database(emptyFile).close();
    const result = await prisma(dir, `file:${emptyFile}`, "migrate", "status");
    expect(result.code, result.output).toBe(1); // the CLI's exit code for "not yet applied"
    expect(result.output).toContain("have not yet been applied");
    const db = new Database(emptyFile, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 }); // left as it was
    } finally {
      db.close();
    }
  });

  it("resolves a relative file: URL against the config directory", async () => {
    const result = await prisma(dir, "file:./relative/dev.db", "migrate", "deploy");
    expect(result.code, result.output).toBe(0);
    expect(existsSync(path.join(dir, "relative", "dev.db"))).toBe(true);
  });

  it("migrate reset re-creates the schema and empties the data", async () => {
    const db = new Database(dbFile);
    db.prepare("INSERT INTO accounts (id, name) VALUES ('a1', 'Acme')").run();
    db.close();
    const result = await prisma(dir, url, "migrate", "reset", "--force");
    expect(result.code, result.output).toBe(0);
    const after = new Database(dbFile, { readonly: true });
    try {
      expect(after.prepare("SELECT count(*) AS n FROM accounts").get()).toEqual({ n: 0 });
    } finally {
      after.close();
    }
  });

  it("can-connect-to-database fails clearly for an unreachable database", async () => {
    const unreachable = "postgresql://postgres@127.0.0.1:1/nowhere";
    const direct = await run(
      engineBinary,
      ["--datasource", JSON.stringify({ url: unreachable }), "cli", "can-connect-to-database"],
      dir,
      unreachable,
    );
    expect(direct.code).not.toBe(0);
    // The CLI's contract: skip the first stderr line, every further line is JSON.
    const [, ...lines] = direct.stderr.trim().split("\n");
    const errors = lines.map((line) => JSON.parse(line) as { level: string; target: string; fields: Record<string, string> });
    expect(errors).toContainEqual({
      timestamp: expect.any(String),
      level: "ERROR",
      target: "schema_engine::logger",
      fields: expect.objectContaining({ error_code: "P1001", message: expect.stringContaining("Can't reach database server at `127.0.0.1:1`") }),
    });

    const viaCli = await prisma(tempProject({ withMigrations: true, schema: toPostgres }), unreachable, "migrate", "deploy");
    expect(viaCli.code).not.toBe(0);
    expect(viaCli.output).toContain("P1001: Can't reach database server at `127.0.0.1:1`");
  });
});

function toPostgres(schema: string): string {
  return schema.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const answer = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1_000);
    socket.once("connect", () => answer(true));
    socket.once("timeout", () => answer(false));
    socket.once("error", () => answer(false));
  });
}

const postgresAvailable = await portAnswers(PG_HOST, PG_PORT);

describe.runIf(runsInThisPass && postgresAvailable)("offline schema engine with PostgreSQL", () => {
  const suffix = `${process.pid}_${Date.now()}`;
  const devDb = `schema_engine_dev_${suffix}`;
  const deployDb = `schema_engine_deploy_${suffix}`;
  const dir = tempProject({ withMigrations: false, schema: toPostgres });

  async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: pgAdminUrl("postgres") });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function tablesOf(database: string, schema = "public"): Promise<string[]> {
    const client = new pg.Client({ connectionString: pgAdminUrl(database) });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
        [schema],
      );
      return rows.map((row) => row.table_name);
    } finally {
      await client.end();
    }
  }

  const shadowDatabases = () =>
    admin(async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
      );
      return rows.map((row) => row.datname);
    });

  afterAll(async () => {
    await admin(async (client) => {
      for (const name of [devDb, deployDb]) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  });

  it("migrate dev --name init creates a migration and the tables, through a separate shadow database", async () => {
    await admin((client) => client.query(`CREATE DATABASE "${devDb}"`));
    const shadowsBefore = await shadowDatabases();

    const result = await prisma(dir, pgAdminUrl(devDb), "migrate", "dev", "--name", "init");
    expect(result.code, result.output).toBe(0);

    const migrations = readdirSync(path.join(dir, "prisma/migrations"));
    const init = migrations.find((name) => name.endsWith("_init"));
    expect(init).toBeDefined();
    expect(readFileSync(path.join(dir, "prisma/migrations/migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
    expect(readFileSync(path.join(dir, "prisma/migrations", init!, "migration.sql"), "utf8")).toContain('CREATE TABLE "accounts"');
    expect(await tablesOf(devDb)).toEqual(EXPECTED_TABLES);
    expect(await shadowDatabases()).toEqual(shadowsBefore); // the shadow database was dropped again
  });

  it("a second migrate dev finds nothing to do", async () => {
    const result = await prisma(dir, pgAdminUrl(devDb), "migrate", "dev", "--name", "nothing");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("Already in sync");
  });

  it("migrate deploy applies the migration to a second, fresh database", async () => {
    await admin((client) => client.query(`CREATE DATABASE "${deployDb}"`));
    const result = await prisma(dir, pgAdminUrl(deployDb), "migrate", "deploy");
    expect(result.code, result.output).toBe(0);
    expect(await tablesOf(deployDb)).toEqual(EXPECTED_TABLES);

    const status = await prisma(dir, pgAdminUrl(deployDb), "migrate", "status");
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain("Database schema is up to date!");
  });

  it("honours ?schema= in the URL", async () => {
    const result = await prisma(dir, `${pgAdminUrl(deployDb)}?schema=tenant_a`, "migrate", "deploy");
    expect(result.code, result.output).toBe(0);
    expect(await tablesOf(deployDb, "tenant_a")).toEqual(EXPECTED_TABLES);
  });

  it("applies a migration with a ';' inside a string literal", async () => {
    const schemaFile = path.join(dir, "prisma/schema.prisma");
    const model = '\nmodel Note {\n  id   Int    @id\n  text String @default("a;b")\n}\n';
    writeFileSync(schemaFile, readFileSync(schemaFile, "utf8") + model);
    const dev = await prisma(dir, pgAdminUrl(devDb), "migrate", "dev", "--name", "note");
    expect(dev.code, dev.output).toBe(0);
    const deploy = await prisma(dir, pgAdminUrl(deployDb), "migrate", "deploy");
    expect(deploy.code, deploy.output).toBe(0);
    expect(await tablesOf(deployDb)).toContain("Note");
  });
});
