// A receiver for Compliance Webhooks notifications, small enough to copy and adapt (see README.md).
// Order of work for each POST: API key → body size → Standard Webhooks signature and timestamp →
// body shape → durable dedupe by webhook-id → answer 2xx → process. Plain node:http, one dependency.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { openJournal } from "./journal.mjs";

const WEBHOOK_PATH = "/webhooks/compliance";
// A push carries at most a few hundred small notifications; anything this large is not the console.
const MAX_BODY_BYTES = 1024 * 1024;
const SHUTDOWN_GRACE_MS = 5000;

const config = readConfig(process.env);
const verifier = new Webhook(config.signingSecret);
const journal = await openJournal(config.dataDir);
const processing = new Set();
let stopping = false;

const server = createServer((request, response) => {
  handle(request, response).catch((error) => {
    log(`error: ${error.message}`);
    if (!response.headersSent) reply(response, 500, { error: "could not record the push; send it again" });
  });
});
server.requestTimeout = 30_000;
server.listen(config.port, config.host, () => {
  const { port } = server.address();
  log(`listening on http://${config.host}:${port}${WEBHOOK_PATH} (journal ${journal.file})`);
  for (const push of journal.unprocessed()) startProcessing(push.id, push.body);
});
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);

async function handle(request, response) {
  const { pathname } = new URL(request.url, "http://receiver");
  if (request.method === "GET" && pathname === "/healthz") return reply(response, 200, { ok: true });
  if (pathname !== WEBHOOK_PATH) return reply(response, 404, { error: "not found" });
  if (request.method !== "POST") return reply(response, 405, { error: "use POST" });
  // The bare key, exactly as configured in the console: no "Bearer " prefix.
  if (!sameSecret(request.headers.authorization ?? "", config.apiKey)) return reject(response, 401, "wrong API key");

  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === null) return reject(response, 413, `body larger than ${MAX_BODY_BYTES} bytes`);
  const headers = {
    "webhook-id": request.headers["webhook-id"],
    "webhook-timestamp": request.headers["webhook-timestamp"],
    "webhook-signature": request.headers["webhook-signature"],
  };
  if (!headers["webhook-id"] || !headers["webhook-timestamp"] || !headers["webhook-signature"]) {
    return reject(response, 400, "missing webhook-id, webhook-timestamp or webhook-signature header");
  }
  try {
    // Checks the HMAC over "<id>.<timestamp>.<raw body>" and that the timestamp is within 5 minutes.
    verifier.verify(body, headers, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    return reject(response, 401, error.message);
  }

  const notifications = parseNotifications(body);
  if (!notifications) return reject(response, 400, "body must be a JSON array of {device_id, status, timestamp}");

  const id = headers["webhook-id"];
  const isNew = await journal.accept(id, notifications);
  reply(response, 200, { ok: true, duplicate: !isNew });
  if (isNew) startProcessing(id, notifications);
  else log(`duplicate ${id}: acknowledged, not processed again`);
}

// Your work goes here (a ticket, a queue message, a database update). It runs after the answer, so a
// slow handler never makes the console time out and retry. Keep it idempotent: a push accepted just
// before a crash is processed at the next start, possibly a second time.
async function processPush(id, notifications) {
  for (const notification of notifications) {
    const changedAt = new Date(notification.timestamp).toISOString();
    console.log(JSON.stringify({ webhook_id: id, device_id: notification.device_id, status: notification.status, timestamp: notification.timestamp, changed_at: changedAt }));
  }
  await journal.markProcessed(id);
}

function startProcessing(id, notifications) {
  const task = processPush(id, notifications)
    .catch((error) => log(`processing ${id} failed, retried at the next start: ${error.message}`))
    .finally(() => processing.delete(task));
  processing.add(task);
}

// The contract's body: a non-empty array of notifications. Unknown statuses and extra fields are
// accepted on purpose: the console may add statuses and fields, never rename them.
function parseNotifications(body) {
  let value;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  const valid =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => item !== null && typeof item === "object" && typeof item.device_id === "string" && item.device_id !== "" && typeof item.status === "string" && item.status !== "" && Number.isSafeInteger(item.timestamp));
  return valid ? value : null;
}

// Compares digests so that neither the content nor the length of the key leaks through timing.
function sameSecret(given, expected) {
  const digest = (value) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// The body as text, or null once it passes the limit (the rest is not read).
function readBody(request, limit) {
  if (Number(request.headers["content-length"] ?? 0) > limit) return Promise.resolve(null);
  return new Promise((resolve, fail) => {
    const chunks = [];
    let size = 0;
    request.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        request.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", fail);
  });
}

function reply(response, status, payload) {
  // A body left unread, or a shutdown in progress: end the connection after this answer.
  if (stopping || !response.req.complete) response.setHeader("connection", "close");
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
}

// The reason goes to the sender (the console shows it in its Event Log) and to this log; never a secret.
function reject(response, status, reason) {
  log(`rejected ${status}: ${reason}`);
  reply(response, status, { error: reason });
}

// Stops accepting, lets requests in flight and processing finish, then closes the journal.
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: finishing requests in flight`);
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  await closed;
  await Promise.allSettled(processing);
  await journal.close();
  log("stopped");
}

// Operational log lines go to stderr; stdout carries only the processed notifications.
function log(message) {
  console.error(`${new Date().toISOString()} receiver ${message}`);
}

function readConfig(source) {
  const problems = [];
  const port = Number(source.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push("PORT must be a port number (0 picks a free one)");
  if (!source.WEBHOOK_API_KEY) problems.push("WEBHOOK_API_KEY must be the API key entered in the console");
  if (!/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(source.WEBHOOK_SIGNING_SECRET ?? "")) {
    problems.push("WEBHOOK_SIGNING_SECRET must be the console's signing secret (whsec_...)");
  }
  if (problems.length) {
    console.error(`receiver: invalid configuration:\n  ${problems.join("\n  ")}`);
    process.exit(2);
  }
  return {
    port,
    host: source.HOST || "127.0.0.1",
    apiKey: source.WEBHOOK_API_KEY,
    signingSecret: source.WEBHOOK_SIGNING_SECRET,
    dataDir: source.DATA_DIR || fileURLToPath(new URL("./data", import.meta.url)),
  };
}
