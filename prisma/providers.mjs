// The two database providers and where each one's schema, migrations and generated client live.
// Plain JavaScript so that scripts/prisma.mjs (run by plain node at install time), prisma.config.ts
// and lib/ share one answer to "which provider does this DATABASE_URL name?".

/** @typedef {"sqlite" | "postgresql"} Provider */

// prisma/schema.prisma is the source of truth; the PostgreSQL schema is derived from it
// (scripts/prisma-schemas.mjs). Paths are relative to the project root.
export const PROVIDERS = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations", client: "lib/generated/prisma" },
  postgresql: { schema: "prisma/postgres/schema.prisma", migrations: "prisma/postgres/migrations", client: "lib/generated/postgres" },
};

/** @param {string} url */
export function isPostgresUrl(url) {
  return url.startsWith("postgres://") || url.startsWith("postgresql://");
}

/** @param {string} url @returns {Provider} */
export function providerOf(url) {
  return isPostgresUrl(url) ? "postgresql" : "sqlite";
}
