// Prisma CLI configuration. The database URL comes from scripts/prisma.mjs, which resolves the
// project default (the embedded SQLite file) and points the CLI at the offline schema engine.
// The URL also picks the provider's schema and migrations (prisma/providers.mjs).
import { defineConfig } from "prisma/config";
import { PROVIDERS, providerOf } from "./prisma/providers.mjs";

const url = process.env.DATABASE_URL ?? "file:./data/app.db";
const provider = PROVIDERS[providerOf(url)];

export default defineConfig({
  schema: provider.schema,
  migrations: { path: provider.migrations },
  datasource: { url },
});
