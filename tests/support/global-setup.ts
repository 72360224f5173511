// Migrates one template SQLite database with the real Prisma CLI; each test file gets a copy.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../../lib/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "cwc-vitest-"));
  const file = path.join(dir, "template.db");
  migrateDatabase(`file:${file}`, { quiet: true });
  project.provide("templateDatabase", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
