// Types for prisma-schemas.mjs (the project compiles TypeScript only).
export function derivePostgresSchema(sqliteSchema: string): string;
export function expectedPostgresSchema(): string;
