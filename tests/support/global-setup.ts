// Migrates one template database with the real Prisma CLI; each test file gets a copy of it
// (tests/support/database-per-file.ts). SQLite by default; PostgreSQL when TEST_DATABASE_URL is a
// postgres:// URL (`npm run test:integration:pg`): the URL names the server and a database to connect
// to for CREATE/DROP DATABASE, the template and the per-file clones are created beside it and
// dropped at the end (and, should a run be killed, by the next run).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { isPostgresUrl } from "../../lib/database-url";
import { migrateDatabase } from "../../lib/migrate";
import { createDatabase, databaseUrl, dropTestDatabases, newRunPrefix, onServer } from "./postgres-databases";

declare module "vitest" {
  export interface ProvidedContext {
    // A SQLite file, or the URL of a PostgreSQL template database.
    templateDatabase: string;
    // On PostgreSQL, the TEST_DATABASE_URL whose database serves CREATE DATABASE for the clones.
    postgresServer: string;
  }
}

async function setupPostgres(project: TestProject, serverUrl: string) {
  const prefix = newRunPrefix();
  const template = `${prefix}_template`;
  await onServer(serverUrl, async (client) => {
    await dropTestDatabases(client);
    await createDatabase(client, template);
  });
  const drop = () => onServer(serverUrl, (client) => dropTestDatabases(client, prefix));
  try {
    migrateDatabase(databaseUrl(serverUrl, template), { quiet: true });
  } catch (error) {
    await drop();
    throw error;
  }
  project.provide("templateDatabase", databaseUrl(serverUrl, template));
  project.provide("postgresServer", serverUrl);
  return drop;
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl && isPostgresUrl(serverUrl)) return setupPostgres(project, serverUrl);
  const dir = mkdtempSync(path.join(tmpdir(), "cwc-vitest-"));
  const file = path.join(dir, "template.db");
  migrateDatabase(`file:${file}`, { quiet: true });
  project.provide("templateDatabase", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
