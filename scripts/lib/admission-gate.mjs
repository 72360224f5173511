// Admission gate in front of the Next.js request handler (scripts/serve.mjs). Under overload `next start`
// begins every request at once: renders interleave, every answer is late, and requests whose client has
// already given up still cost CPU. The gate hands at most `maxConcurrent` requests to Next at once and
// queues the rest in arrival order; a queued request whose client goes away is dropped unrendered, and
// one that cannot be queued (queue full, or waited too long) gets a 503 with Retry-After at once.
// A download (Content-Disposition: attachment, such as the Event Log's CSV export) leaves its slot once
// its head is written: what follows streams at the client's pace for seconds, and holding a slot for it
// would let two slow downloads block every page. A graceful stop (`idle()`) still waits for it.
// Plain JavaScript so the server can run without tsx (Next must not run under the react-server condition).

// Paths that never wait: long-lived event streams (they would hold a slot for hours), the health check
// (a load balancer must see a busy process as alive) and build assets (no rendering, cheap to serve).
export const BYPASS_PATH_PREFIXES = ["/api/event-log/webhook/stream", "/api/health", "/_next/static/"];

// Two renders at once: Node accepts one new connection per turn of its event loop, and every render
// under way adds a synchronous chunk to each turn. With 8, a turn took ~75 ms under load on a 2-core
// machine, so 200 clients connecting at once (or again after a timeout) waited 15 s to be accepted.
export const DEFAULT_ADMISSION = { maxConcurrent: 2, maxQueued: 1000, maxWaitMs: 30_000 };

const ENVIRONMENT = [
  ["maxConcurrent", "CONSOLE_MAX_CONCURRENT_REQUESTS", 1, 100_000],
  ["maxQueued", "CONSOLE_MAX_QUEUED_REQUESTS", 0, 1_000_000],
  ["maxWaitMs", "CONSOLE_MAX_QUEUE_WAIT_MS", 1, 3_600_000],
];

// The gate's settings from the environment; a value that is not a whole number in range is refused,
// naming the variable, rather than silently replaced by the default.
export function admissionSettingsFrom(source = process.env) {
  const settings = { ...DEFAULT_ADMISSION };
  for (const [key, name, min, max] of ENVIRONMENT) {
    const raw = source[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    settings[key] = value;
  }
  return settings;
}

// A request URL's path, without the query string.
export const pathOf = (url = "/") => url.split("?")[0];

export function bypassesGate(url = "/") {
  const pathname = pathOf(url);
  return BYPASS_PATH_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`));
}

// The answer when the gate cannot take a request: for the API and scripts, RFC 9457 problem details
// shaped as the API's (lib/api/problem.ts), so clients parse it like any other error; for a person's
// browser asking for a page, a short page that says so and tries again by itself after Retry-After.
export function answerBusy(res, detail, retryAfterSeconds, heading = "The console is busy") {
  if (res.headersSent || res.destroyed) return;
  const wantsPage = !pathOf(res.req?.url).startsWith("/api/") && /\btext\/html\b/.test(res.req?.headers.accept ?? "");
  const body = wantsPage ? busyPage(heading, retryAfterSeconds) : JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail, code: "server_busy" });
  res.writeHead(503, {
    "content-type": wantsPage ? "text/html; charset=utf-8" : "application/problem+json",
    "cache-control": "no-store",
    "retry-after": String(retryAfterSeconds),
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

// Fixed text and a number: nothing of the request is echoed.
function busyPage(heading, retryAfterSeconds) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${retryAfterSeconds}">
<title>Busy · Compliance Webhooks Console</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
main { max-width: 28rem; padding: 2rem; }
h1 { font-size: 1.25rem; margin: 0 0 0.75rem; }
p { line-height: 1.5; margin: 0 0 0.5rem; }
</style>
</head>
<body>
<main>
<h1>${heading}</h1>
<p>This page tries again by itself in ${retryAfterSeconds} s.</p>
<p>Webhook deliveries go on meanwhile.</p>
</main>
</body>
</html>
`;
}

// Runs a request's handler; if it fails, the client gets a bare 500 (never the error) and onError the error.
export function runHandler(req, res, handle, onError) {
  Promise.resolve()
    .then(handle)
    .catch((error) => {
      onError(error, req);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal Server Error");
      } else res.destroy();
    });
}

const gone = (req, res) => res.destroyed || res.writableEnded || req.socket?.destroyed === true;

const DOWNLOAD = /^\s*attachment\b/i;

// The Content-Disposition values given to a writeHead call: headers as an object or as a flat list of
// names and values (Node's two forms). Node leaves them out of getHeader unless a header was set before.
function dispositionsGiven(headers) {
  if (typeof headers !== "object" || headers === null) return [];
  const pairs = Array.isArray(headers) ? headers.flatMap((name, i) => (i % 2 === 0 ? [[name, headers[i + 1]]] : [])) : Object.entries(headers);
  return pairs.filter(([name]) => String(name).toLowerCase() === "content-disposition").map(([, value]) => value);
}

// Calls `onHead()` when the response's head is written, if its Content-Disposition says attachment.
// Every head goes through res.writeHead: an explicit call, and Node's implicit head on the first write,
// end or flushHeaders (Next.js sets a Route Handler's headers with setHeader, then calls flushHeaders
// before its first chunk; its compression wraps this writeHead in turn).
function watchForDownload(res, onHead) {
  const writeHead = res.writeHead;
  res.writeHead = function writeGatedHead(...args) {
    const result = writeHead.apply(this, args);
    const dispositions = [res.getHeader("content-disposition"), ...dispositionsGiven(args.at(-1))].flat();
    if (dispositions.some((value) => DOWNLOAD.test(String(value ?? "")))) onHead();
    return result;
  };
}

// `admit(req, res, handle)` runs `handle()` now or later, or answers 503. The slot a request holds
// is released when its response finishes or its connection closes, whichever comes first, once; a
// download's is released when its head is written, and the download then counts as `downloading`
// until it finishes or its connection closes.
export function createAdmissionGate({ maxConcurrent, maxQueued, maxWaitMs } = DEFAULT_ADMISSION, { onError = () => {} } = {}) {
  const queue = [];
  const counts = { started: 0, abandoned: 0, rejectedFull: 0, rejectedWait: 0 };
  let active = 0;
  let downloading = 0;
  let idleWaiters = [];

  function notifyIfIdle() {
    if (active > 0 || downloading > 0 || queue.length > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function start(entry) {
    const { req, res, handle } = entry;
    active++;
    counts.started++;
    // "rendering" (holds a slot), then perhaps "downloading" (streams outside the slots), then "done".
    let state = "rendering";
    const moveTo = (next) => {
      if (state === "done" || state === next) return;
      if (state === "rendering") active--;
      else downloading--;
      if (next === "downloading") downloading++;
      state = next;
      startQueued();
      notifyIfIdle();
    };
    const done = () => moveTo("done");
    res.once("finish", done);
    res.once("close", done);
    watchForDownload(res, () => moveTo("downloading"));
    runHandler(req, res, handle, onError);
  }

  function startQueued() {
    while (active < maxConcurrent && queue.length > 0) {
      const entry = queue.shift();
      entry.leave();
      if (gone(entry.req, entry.res)) counts.abandoned++;
      else start(entry);
    }
  }

  function remove(entry) {
    const index = queue.indexOf(entry);
    if (index === -1) return false;
    queue.splice(index, 1);
    entry.leave();
    return true;
  }

  function enqueue(req, res, handle) {
    const entry = { req, res, handle };
    const onClose = () => {
      if (remove(entry)) counts.abandoned++;
      notifyIfIdle();
    };
    const timer = setTimeout(() => {
      if (!remove(entry)) return;
      counts.rejectedWait++;
      answerBusy(res, `The console is busy: the request waited ${Math.round(maxWaitMs / 1000)} s for its turn. Retry later.`, retryAfterSeconds());
      notifyIfIdle();
    }, maxWaitMs);
    entry.leave = () => {
      clearTimeout(timer);
      res.off("close", onClose);
    };
    // A response's 'close' before it began means the client disconnected (the request's own 'close'
    // also fires once its body has been read, which says nothing about the client).
    res.once("close", onClose);
    queue.push(entry);
  }

  // A hint that grows with the queue (a second per round of slots, at most a minute), so retries spread out.
  const retryAfterSeconds = () => Math.max(1, Math.min(60, Math.ceil(queue.length / Math.max(1, maxConcurrent))));

  return {
    admit(req, res, handle) {
      if (gone(req, res)) return;
      if (active < maxConcurrent && queue.length === 0) return start({ req, res, handle });
      if (queue.length >= maxQueued) {
        counts.rejectedFull++;
        return answerBusy(res, "The console is busy: its queue of waiting requests is full. Retry later.", retryAfterSeconds());
      }
      enqueue(req, res, handle);
    },
    // Requests being handled, downloads streaming outside the slots, requests waiting, and what became
    // of the others (for logs and tests).
    stats: () => ({ active, downloading, queued: queue.length, ...counts }),
    // Resolves once no request is being handled, downloading or waiting: a graceful stop awaits it.
    idle: () => new Promise((resolve) => {
      idleWaiters.push(resolve);
      notifyIfIdle();
    }),
  };
}
