// Loads @prisma/schema-engine-wasm without a bundler and creates a SchemaEngine on a driver adapter.
import { readFile } from "node:fs/promises";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

let gluePromise;

/** The package's wasm-bindgen glue module, wired to an instantiated schema_engine_bg.wasm. */
export function loadSchemaEngineWasm() {
  gluePromise ??= instantiate();
  return gluePromise;
}

async function instantiate() {
  // The package's own entry imports the .wasm as an ES module, which Node cannot do; wire it by hand.
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(glueUrl);
  const bytes = await readFile(new URL("schema_engine_bg.wasm", glueUrl));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue;
}

/**
 * Creates the engine. `datamodels` is [[path, text], ...]; `adapterFactory` is an unbound
 * migration-aware factory; `log` receives the engine's JSON log lines. The engine connects at once.
 * Returns the engine and the bound factory, whose errorRegistry explains "External error id#N".
 */
export async function createSchemaEngine({ datamodels, adapterFactory, log }) {
  const glue = await loadSchemaEngineWasm();
  const boundFactory = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  try {
    const engine = await glue.SchemaEngine.new({ datamodels }, log, boundFactory);
    return { engine, boundFactory };
  } catch (error) {
    throw withExplainedMessage(error, boundFactory.errorRegistry);
  }
}

/**
 * Errors thrown by adapter code reach the engine as "External error id#N"; the original error sits in
 * the bound factory's errorRegistry. Put its message back so the user sees what happened.
 */
export function withExplainedMessage(error, errorRegistry) {
  if (!(error instanceof Error)) return new Error(String(error));
  error.message = error.message.replace(/External error id#(\d+)/g, (text, id) => {
    const original = errorRegistry.consumeError(Number(id))?.error;
    return original instanceof Error ? original.message : text;
  });
  return error;
}

export async function wasmEngineVersion() {
  return (await loadSchemaEngineWasm()).version();
}
