// JSON-RPC 2.0 over stdin/stdout, one JSON object per line, as the Prisma CLI speaks it to the native
// schema engine. Method names and params are those of the wasm package's SchemaEngine class.
import readline from "node:readline";
import { resetDatabase, withMigrationsTable, withShadowDatabaseState } from "./engine-gaps.mjs";
import { EngineSession } from "./session.mjs";
import { withExplainedMessage } from "./wasm.mjs";

const PASS_THROUGH = new Set([
  "applyMigrations",
  "dbExecute",
  "ensureConnectionValidity",
  "introspect",
  "introspectSql",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "schemaPush",
]);

/** Serves requests from stdin until it closes, then disconnects and exits. */
export function serveJsonRpc({ datamodelPaths, datasource }) {
  const session = new EngineSession(datamodelPaths, datasource);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let queue = Promise.resolve(); // one request at a time, in order
  lines.on("line", (line) => {
    if (line.trim() !== "") queue = queue.then(() => handleLine(session, line));
  });
  lines.on("close", () => {
    queue.then(() => session.close()).finally(() => process.exit(0));
  });
}

async function handleLine(session, line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
  }
  if (typeof request.method !== "string") return; // the CLI acknowledging one of our "print" requests
  try {
    const result = await dispatch(session, request.method, request.params ?? {});
    send({ jsonrpc: "2.0", id: request.id, result: result ?? {} });
  } catch (error) {
    send({ jsonrpc: "2.0", id: request.id, error: toRpcError(session, error) });
  }
}

async function dispatch(session, method, params) {
  if (PASS_THROUGH.has(method)) return (await session.engine())[method](params);
  switch (method) {
    case "devDiagnostic":
      return withMigrationsTable(session, (engine) => engine.devDiagnostic(params));
    case "diagnoseMigrationHistory":
      return withMigrationsTable(session, (engine) => engine.diagnoseMigrationHistory(params), {
        hasMigrationsTable: false,
      });
    case "evaluateDataLoss":
    case "createMigration":
      return withShadowDatabaseState(session, params, (engine) => engine[method](params));
    case "diff":
      return diffAndPrint(await session.engine(), params);
    case "reset":
      return resetDatabase(session, params);
    case "getDatabaseVersion":
      return (await session.engine()).version(params);
    default:
      throw Object.assign(new Error(`Method not supported by the offline schema engine: ${method}`), {
        rpcCode: -32601,
      });
  }
}

/**
 * The wasm engine returns the diff as `stdout`; the native engine instead sends the CLI a "print"
 * request, which is what `prisma migrate diff` writes to the terminal or its --output file.
 */
async function diffAndPrint(engine, params) {
  const result = await engine.diff(params);
  if (typeof result.stdout === "string") {
    send({ jsonrpc: "2.0", id: `print-${++printRequests}`, method: "print", params: { content: result.stdout.replace(/\n$/, "") } });
  }
  return { ...result, stdout: null };
}

let printRequests = 0;

/** Error shape of the native engine; the CLI prints data.message, prefixed by data.error_code if any. */
function toRpcError(session, error) {
  if (error?.rpcCode) return { code: error.rpcCode, message: error.message };
  const explained = withExplainedMessage(error, session.errorRegistry());
  const data = { is_panic: false, message: explained.message, meta: {} };
  if (typeof explained.code === "string" && /^P\d{4}$/.test(explained.code)) data.error_code = explained.code;
  return { code: 4466, message: "An error happened. Check the data field for details.", data };
}

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
