// Gives each test file its own copy of the migrated template database, before lib/env is imported:
// a copy of the SQLite file, or on PostgreSQL a database cloned from the template
// (CREATE DATABASE ... TEMPLATE), dropped with the template by tests/support/global-setup.ts.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { isPostgresUrl } from "../../lib/database-url";
import { createDatabase, databaseName, databaseUrl, onServer } from "./postgres-databases";

const template = inject("templateDatabase");
const dir = mkdtempSync(path.join(tmpdir(), "cwc-test-"));
if (isPostgresUrl(template)) {
  const templateName = databaseName(template);
  const name = `${templateName.replace(/_template$/, "")}_file_${randomBytes(4).toString("hex")}`;
  await onServer(inject("postgresServer"), (client) => createDatabase(client, name, templateName));
  process.env.DATABASE_URL = databaseUrl(template, name);
} else {
  const file = path.join(dir, "test.db");
  copyFileSync(template, file);
  process.env.DATABASE_URL = `file:${file}`;
}
process.env.DATA_DIR = dir;
// TEST_LOG_LEVEL=debug shows the app's logs when a test needs explaining.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "silent";
// Receivers in tests listen on loopback over plain HTTP; operators allow that explicitly.
process.env.WEBHOOK_ALLOW_HTTP = "true";
process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
