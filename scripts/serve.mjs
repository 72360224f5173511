// The console's HTTP server: Next.js's production request handler behind an admission gate
// (scripts/lib/admission-gate.mjs), so an overload is answered in arrival order instead of timing out
// all at once. Serves what `next start` serves from the existing build, on PORT and HOST; on SIGINT or
// SIGTERM it stops accepting, lets the requests it took finish, then exits as `next start` does.
// Run as plain Node, never under `--conditions=react-server` (Next's server must not see it):
// `npm start` (scripts/start.ts) and the Playwright suite spawn it.
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino, stdTimeFunctions } from "pino";
import { admissionSettingsFrom, answerBusy, bypassesGate, createAdmissionGate, pathOf, runHandler } from "./lib/admission-gate.mjs";

// What `next start` sets before it loads the server (instrumentation.ts checks NEXT_RUNTIME).
process.env.NODE_ENV ||= "production";
process.env.NEXT_RUNTIME = "nodejs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Requests still being handled after this long when stopping are cut off, so a stop always ends.
const STOP_GRACE_MS = 20_000;
const OVERLOAD_REPORT_MS = 10_000;

// Same shape as lib/logger.ts (which is TypeScript, so not importable here): JSON lines on stdout.
const logger = pino({ level: process.env.LOG_LEVEL || "info", base: { service: "compliance-webhooks", pid: process.pid }, timestamp: stdTimeFunctions.isoTime });

function listenAddress(source) {
  const port = Number(source.PORT || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a whole number from 1 to 65535, not "${source.PORT}"`);
  return { port, host: source.HOST || "0.0.0.0" };
}


let settings;
let address;
try {
  settings = admissionSettingsFrom(process.env);
  address = listenAddress(process.env);
} catch (error) {
  console.error(`Invalid environment configuration:\n  ${error.message}`);
  process.exit(1);
}

const { default: next } = await import("next");
const server = createServer();
const app = next({ dir: root, hostname: address.host, port: address.port, httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

// Paths only: a query string may carry filters a user typed; they have no place in the server's log.
const logFailure = (error, req) => logger.error({ err: error, method: req.method, path: pathOf(req.url) }, "request handler failed");
const gate = createAdmissionGate(settings, { onError: logFailure });
let stopping = false;

server.on("request", (req, res) => {
  if (stopping) {
    res.shouldKeepAlive = false;
    return answerBusy(res, "The console is restarting. Retry in a moment.", 1, "The console is restarting");
  }
  if (bypassesGate(req.url)) return runHandler(req, res, () => handle(req, res), logFailure);
  gate.admit(req, res, () => handle(req, res));
});

// One warning per period while the gate turns requests away, with how many and why.
let reported = gate.stats();
setInterval(() => {
  const now = gate.stats();
  const turnedAway = { queueFull: now.rejectedFull - reported.rejectedFull, waitedTooLong: now.rejectedWait - reported.rejectedWait, clientGaveUp: now.abandoned - reported.abandoned };
  reported = now;
  if (turnedAway.queueFull + turnedAway.waitedTooLong + turnedAway.clientGaveUp > 0) logger.warn({ ...turnedAway, active: now.active, queued: now.queued, ...settings }, "console overloaded: requests turned away");
}, OVERLOAD_REPORT_MS).unref();

server.on("error", (error) => {
  logger.fatal({ err: error }, "the console's HTTP server failed");
  process.exit(1);
});

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, ...gate.stats() }, "console stopping: finishing requests under way");
  server.close();
  server.closeIdleConnections();
  const graceOver = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
  await Promise.race([gate.idle(), graceOver]);
  // Event streams (they never end by themselves) and whatever outlived the grace period.
  server.closeAllConnections();
  // What the app registered to finish first (lib/stop-hooks.ts): the in-process dispatcher records
  // the attempts under way.
  const hooks = [...(globalThis[Symbol.for("compliance-webhooks.stop-hooks")] ?? [])];
  await Promise.race([Promise.allSettled(hooks.map((hook) => hook())), graceOver]);
  await app.close().catch((error) => logger.error({ err: error }, "Next.js did not close cleanly"));
  process.exit(signal === "SIGINT" ? 130 : 143);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stop(signal));

server.listen(address.port, address.host, () => {
  logger.info({ host: address.host, port: address.port, ...settings }, "console listening");
});
