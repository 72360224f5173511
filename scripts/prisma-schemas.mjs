#!/usr/bin/env node
// Derives prisma/postgres/schema.prisma from prisma/schema.prisma, the one source of truth for the
// models: only the datasource provider and the generated client's directory differ. Prisma's
// `prisma-client` generator compiles queries for one provider, so each provider needs its own schema.
//   node scripts/prisma-schemas.mjs          writes the derived schema
//   node scripts/prisma-schemas.mjs --check  exits 1 when it is stale
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PROVIDERS } from "../prisma/providers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run prisma:schemas\`: edit that file, not this one.
// Only the datasource provider and the generated client's directory differ.
`;

function replaceOnce(text, pattern, replacement, what) {
  const matches = text.match(new RegExp(pattern, "g")) ?? [];
  if (matches.length !== 1) throw new Error(`prisma/schema.prisma: expected exactly one ${what}, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

// The generator's output is relative to the schema file, so it is recomputed for the derived one.
function clientOutput(schemaPath, clientDir) {
  return path.posix.relative(path.posix.dirname(schemaPath), clientDir);
}

/** The PostgreSQL schema for a given SQLite schema text. */
export function derivePostgresSchema(sqliteSchema) {
  const { sqlite, postgresql } = PROVIDERS;
  let text = replaceOnce(sqliteSchema, /provider\s*=\s*"sqlite"/, 'provider = "postgresql"', 'provider = "sqlite"');
  text = replaceOnce(
    text,
    new RegExp(`output(\\s*)=(\\s*)"${clientOutput(sqlite.schema, sqlite.client).replaceAll(".", "\\.")}"`),
    `output$1=$2"${clientOutput(postgresql.schema, postgresql.client)}"`,
    `generator output "${clientOutput(sqlite.schema, sqlite.client)}"`,
  );
  return HEADER + text;
}

export function expectedPostgresSchema() {
  return derivePostgresSchema(readFileSync(path.join(root, PROVIDERS.sqlite.schema), "utf8"));
}

function readOrEmpty(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = path.join(root, PROVIDERS.postgresql.schema);
  const expected = expectedPostgresSchema();
  if (process.argv.includes("--check")) {
    if (readOrEmpty(target) !== expected) {
      console.error(`${PROVIDERS.postgresql.schema} is stale: run \`npm run prisma:schemas\`.`);
      process.exit(1);
    }
  } else if (readOrEmpty(target) !== expected) {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, expected);
    console.log(`Wrote ${PROVIDERS.postgresql.schema}`);
  }
}
