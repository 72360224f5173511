// Compiles the webhook worker (scripts/worker.ts and the lib/ modules it imports) into one JavaScript
// file for `npm run worker`: run without the TypeScript loader, a worker holds ~40 MB less memory.
// Packages stay imports of node_modules. The file sits one directory below the project root, as
// lib/ does, because lib/migrate.ts finds the migrations relative to its own location.
import { buildSync } from "esbuild";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKER_BUNDLE = path.join(root, "dist", "worker.mjs");

// Builds every time (under a second): a worker never runs code older than its sources. Written to a
// temporary file and renamed, so that workers started together never read a half-written file.
function buildWorker() {
  const { outputFiles } = buildSync({
    absWorkingDir: root,
    entryPoints: ["scripts/worker.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: WORKER_BUNDLE,
    write: false,
    logLevel: "warning",
  });
  mkdirSync(path.dirname(WORKER_BUNDLE), { recursive: true });
  const temporary = `${WORKER_BUNDLE}.${process.pid}.tmp`;
  writeFileSync(temporary, outputFiles[0].contents);
  renameSync(temporary, WORKER_BUNDLE);
}

// The Node arguments `npm run worker` runs the built worker with (package.json is their one source).
function workerNodeArgs() {
  const command = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.worker;
  const [, run] = command.split("&& exec node ");
  return run.trim().split(/\s+/).map((word) => (word.startsWith("--") ? word : path.join(root, word)));
}

// For tests and benchmarks that start workers as `npm run worker` does: builds once per process.
let built = false;
export function preparedWorkerNodeArgs() {
  if (!built) buildWorker();
  built = true;
  return workerNodeArgs();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) buildWorker();
