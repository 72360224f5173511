#!/usr/bin/env node
// Offline stand-in for Prisma's native `schema-engine` binary.
//
// Prisma's CLI downloads that binary from Prisma's own host before `migrate`, `db push` and even
// `generate`; air-gapped machines cannot reach it. The same engine is on npm as WebAssembly
// (@prisma/schema-engine-wasm), so this script speaks the binary's command line and JSON-RPC protocol
// and runs the wasm engine over Prisma driver adapters (better-sqlite3 for SQLite, pg for PostgreSQL).
// Point the CLI at it with PRISMA_SCHEMA_ENGINE_BINARY=<absolute path of this file>. See README.md.
//
//   schema-engine.mjs --version
//   schema-engine.mjs --datasource '{"url":"..."}' cli can-connect-to-database|create-database|drop-database
//   schema-engine.mjs [--datamodels <schema file>]... --datasource '{"url":"..."}'   (JSON-RPC on stdin/stdout)

import { runCliCommand } from "./cli-commands.mjs";
import { serveJsonRpc } from "./rpc.mjs";
import { wasmEngineVersion } from "./wasm.mjs";

// stdout carries the JSON-RPC responses only; send any stray library logging to stderr.
console.log = console.info = console.debug = console.warn = console.error;

/** The native binary's flags; unknown ones (--enabled-preview-features, --extension-types) are accepted and ignored. */
function parseArgs(argv) {
  const args = { datamodelPaths: [], datasource: undefined, cliCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "--datamodels") args.datamodelPaths.push(argv[++i]);
    else if (arg === "--datasource") args.datasource = JSON.parse(argv[++i]);
    else if (arg === "cli") args.cliCommand = argv[++i];
    else if (arg.startsWith("--")) i++; // a flag with a value we do not use
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${await wasmEngineVersion()}\n`);
    return;
  }
  if (args.cliCommand) {
    const code = await runCliCommand(args.cliCommand, args.datasource);
    process.exit(code);
  }
  serveJsonRpc(args);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
