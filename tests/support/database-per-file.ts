// Gives each test file its own copy of the migrated template database, before lib/env is imported.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "cwc-test-"));
const file = path.join(dir, "test.db");
copyFileSync(inject("templateDatabase"), file);
process.env.DATABASE_URL = `file:${file}`;
process.env.DATA_DIR = dir;
process.env.LOG_LEVEL = "silent";
// Receivers in tests listen on loopback over plain HTTP; operators allow that explicitly.
process.env.WEBHOOK_ALLOW_HTTP = "true";
process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
