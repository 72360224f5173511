// One model, two providers: the PostgreSQL schema is derived from prisma/schema.prisma, and each
// provider's committed migrations build exactly the models. Runs against the provider of the run
// (SQLite by default, PostgreSQL under `npm run test:integration:pg`).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isPostgresUrl } from "@/lib/database-url";
import { db } from "@/lib/db";
import { PROVIDERS, providerOf } from "@/prisma/providers.mjs";
import { derivePostgresSchema } from "@/scripts/prisma-schemas.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const databaseUrl = process.env.DATABASE_URL!;
const provider = PROVIDERS[providerOf(databaseUrl)];
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

type Run = { code: number; output: string };

function prisma(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["scripts/prisma.mjs", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

const tempDir = mkdtempSync(path.join(tmpdir(), "cwc-providers-"));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe("the models' one source of truth", () => {
  it("prisma/postgres/schema.prisma is prisma/schema.prisma with the PostgreSQL provider (else run `npm run prisma:schemas`)", () => {
    expect(read(PROVIDERS.postgresql.schema)).toBe(derivePostgresSchema(read(PROVIDERS.sqlite.schema)));
  });

  it("the derived schema differs only in the provider and the generated client's directory", () => {
    const changed = (text: string) => text.split("\n").filter((line) => !line.startsWith("//"));
    const sqlite = changed(read(PROVIDERS.sqlite.schema));
    const postgres = changed(derivePostgresSchema(read(PROVIDERS.sqlite.schema)));
    const differing = postgres.filter((line, index) => line !== sqlite[index]);
    expect(postgres).toHaveLength(sqlite.length);
    expect(differing.map((line) => line.trim())).toEqual(['output       = "../../lib/generated/postgres"', 'provider = "postgresql"']);
  });
});

describe(`the ${providerOf(databaseUrl)} migrations (${provider.migrations})`, () => {
  it("build exactly the models of the schema", async () => {
    const { code, output } = await prisma("migrate", "diff", "--from-migrations", provider.migrations, "--to-schema", provider.schema, "--exit-code");
    expect(output).toContain("No difference detected");
    expect(code).toBe(0);
  });

  it("are found lacking when the schema has a change they do not make", async () => {
    const changedSchema = path.join(tempDir, "schema.prisma");
    writeFileSync(changedSchema, read(provider.schema).replace(/^(model PushAttempt \{\n)/m, "$1  addedForTheTest String?\n"));
    const { code, output } = await prisma("migrate", "diff", "--from-migrations", provider.migrations, "--to-schema", changedSchema, "--exit-code");
    expect(output).toMatch(/Changed the `push_attempts` table[\s\S]*Added column `addedForTheTest`/);
    expect(code).toBe(2);
  });

  it("are the ones the test database was migrated with, and the app's client talks to that database", async () => {
    const applied = await db.$queryRawUnsafe<{ migration_name: string }[]>("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name");
    const committed = readdirSync(path.join(root, provider.migrations), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(applied.map((row) => row.migration_name)).toEqual(committed.map((entry) => entry.name).sort());
    expect(read(`${provider.migrations}/migration_lock.toml`)).toContain(`provider = "${providerOf(databaseUrl)}"`);
    const version = isPostgresUrl(databaseUrl)
      ? (await db.$queryRawUnsafe<{ version: string }[]>("SELECT version() AS version"))[0]!.version
      : (await db.$queryRawUnsafe<{ version: string }[]>("SELECT 'SQLite ' || sqlite_version() AS version"))[0]!.version;
    expect(version).toMatch(isPostgresUrl(databaseUrl) ? /^PostgreSQL/ : /^SQLite/);
  });
});
