// Prisma CLI configuration. The database URL comes from scripts/prisma.mjs, which resolves the
// project default (the embedded SQLite file) and points the CLI at the offline schema engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/app.db" },
});
