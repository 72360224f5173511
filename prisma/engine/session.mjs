// One wasm SchemaEngine per engine process, created on first use (as the native engine connects
// lazily), plus the driver adapters it opened so that they can be reused and closed.
import { readFile } from "node:fs/promises";
import { createAdapterFactory } from "./adapters.mjs";
import { providerOf } from "./datasource.mjs";
import { createSchemaEngine } from "./wasm.mjs";

export class EngineSession {
  #datamodelPaths;
  #datasource;
  #enginePromise;
  #boundFactory;
  #adapters = [];

  constructor(datamodelPaths, datasource) {
    this.#datamodelPaths = datamodelPaths;
    this.#datasource = datasource ?? {};
  }

  get datasource() {
    return this.#datasource;
  }

  get provider() {
    return providerOf(this.#datasource.url);
  }

  engine() {
    this.#enginePromise ??= this.#start();
    return this.#enginePromise;
  }

  /** The adapter of the main database connection (the first one the engine opened). */
  async mainAdapter() {
    await this.engine();
    return this.#adapters[0];
  }

  /** Explains "External error id#N" in engine errors (see wasm.mjs). */
  errorRegistry() {
    return this.#boundFactory?.errorRegistry ?? { consumeError: () => undefined };
  }

  /** Closes the engine and its connections; the next engine() call starts a fresh one. */
  async close() {
    const enginePromise = this.#enginePromise;
    this.#enginePromise = undefined;
    const adapters = this.#adapters.splice(0);
    await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
    const engine = await enginePromise?.catch(() => undefined);
    engine?.free();
  }

  async #start() {
    const datamodels = await Promise.all(
      this.#datamodelPaths.map(async (file) => [file, await readFile(file, "utf8")]),
    );
    const factory = createAdapterFactory(this.#datasource);
    const recordingFactory = {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => {
        const adapter = await factory.connect();
        this.#adapters.push(adapter);
        return adapter;
      },
      connectToShadowDb: () => factory.connectToShadowDb(),
    };
    const { engine, boundFactory } = await createSchemaEngine({
      datamodels: datamodels.length > 0 ? datamodels : undefined,
      adapterFactory: recordingFactory,
      log: forwardLog,
    });
    this.#boundFactory = boundFactory;
    return engine;
  }
}

/** Engine log lines go to stderr, where the CLI collects them for its error messages. */
function forwardLog(line) {
  const text = String(line).trim();
  if (text !== "") process.stderr.write(`${text}\n`);
}
