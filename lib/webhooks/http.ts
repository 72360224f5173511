import "server-only";
import { StringDecoder } from "node:string_decoder";
import { Agent } from "undici";
import { boundedMemo } from "@/lib/bounded-memo";
import { checkCallbackUrl, createGuardedLookup, SSRF_BLOCKED_CODE, type NetworkPolicy } from "@/lib/webhooks/ssrf";

// What went wrong with one delivery attempt, as recorded in the webhook event log.
export type ErrorClass =
  | "http_status"
  | "timeout"
  | "connection_refused"
  | "connection_reset"
  | "dns"
  | "tls"
  | "ssrf_blocked"
  | "invalid_url"
  | "network";

// The outcome of one POST; `ok` only for a 2xx answer. Failures are results, never exceptions.
export type SendResult = {
  ok: boolean;
  status: number | null;
  durationMs: number;
  responseBody: string;
  // The answer was longer than responseBody: its end was cut off.
  responseBodyCut?: boolean;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
};

export type WebhookClientOptions = {
  policy: NetworkPolicy;
  timeoutMs: number;
  maxResponseBytes?: number;
  storedResponseBytes?: number;
  maxConnectionsPerOrigin?: number;
  userAgent: string;
};

// Sends webhook POSTs over shared keep-alive pools; close() when the process shuts down.
export type WebhookClient = {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  close(): Promise<void>;
};

type Failure = { errorClass: ErrorClass; errorMessage: string };

const TLS_ERROR_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** Every error code in the chain: undici wraps socket errors in `cause`, Node's
 * happy-eyeballs connect reports an AggregateError with one error per address. */
function errorCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== "object" || error === null || seen.has(error)) return [];
  seen.add(error);
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const nested = [cause, ...(Array.isArray(errors) ? errors : [])].flatMap((e) => errorCodes(e, seen));
  return [...(typeof code === "string" ? [code] : []), ...nested];
}

function ssrfMessage(error: unknown, seen = new Set<unknown>()): string | null {
  if (typeof error !== "object" || error === null || seen.has(error)) return null;
  seen.add(error);
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (code === SSRF_BLOCKED_CODE && typeof message === "string") return message;
  return ssrfMessage(cause, seen);
}

function describeSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Maps a thrown request error to a class and plain words; never includes header values. */
function classifyError(error: unknown, timedOut: boolean, timeoutMs: number): Failure {
  const codes = errorCodes(error);
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  const blocked = ssrfMessage(error);
  if (blocked) return { errorClass: "ssrf_blocked", errorMessage: blocked };
  if (timedOut || has("UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT")) {
    return { errorClass: "timeout", errorMessage: `The receiver did not answer within ${describeSeconds(timeoutMs)}.` };
  }
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME")) {
    return { errorClass: "dns", errorMessage: "The receiver's host name could not be resolved (DNS)." };
  }
  if (has("ECONNREFUSED")) {
    return { errorClass: "connection_refused", errorMessage: "The receiver refused the connection (nothing listening on that port)." };
  }
  const tlsCode = codes.find((code) => TLS_ERROR_CODE.test(code));
  if (tlsCode) {
    return { errorClass: "tls", errorMessage: `The secure connection (TLS) to the receiver failed: ${tlsCode}.` };
  }
  if (has("ECONNRESET", "EPIPE", "UND_ERR_SOCKET")) {
    return { errorClass: "connection_reset", errorMessage: "The receiver closed the connection before answering." };
  }
  const detail = codes[0] ?? (error instanceof Error ? error.name : "unknown error");
  return { errorClass: "network", errorMessage: `The request to the receiver failed (${detail}).` };
}

// The requests under way of one client, in the order they started, which is the order of their
// deadlines (every request has the same timeout): one timer, for the first deadline, serves them
// all. An AbortSignal.timeout per request cost a timer and an event listener each, about a third of
// a request's CPU.
class Deadlines {
  private readonly pending = new Map<number, { deadline: number; expire: () => void }>();
  private nextId = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  // Calls `expire` once the timeout has passed, unless the returned function is called first.
  add(expire: () => void): () => void {
    const id = this.nextId++;
    this.pending.set(id, { deadline: performance.now() + this.timeoutMs, expire });
    if (!this.timer) this.arm();
    return () => this.pending.delete(id);
  }

  private arm(): void {
    const first = this.pending.values().next().value;
    if (!first) return;
    this.timer = setTimeout(() => this.expireDue(), Math.max(0, first.deadline - performance.now()));
    this.timer.unref();
  }

  private expireDue(): void {
    this.timer = null;
    const now = performance.now();
    for (const [id, { deadline, expire }] of this.pending) {
      if (deadline > now) break;
      this.pending.delete(id);
      expire();
    }
    this.arm();
  }
}

class DeadlineExceeded extends Error {}

// One client per process (or per worker): the keep-alive pools live in its undici Agent.
export function createWebhookClient(options: WebhookClientOptions): WebhookClient {
  const { policy, timeoutMs, userAgent } = options;
  const maxResponseBytes = options.maxResponseBytes ?? 65_536;
  const storedResponseBytes = options.storedResponseBytes ?? 4_096;
  const agent = new Agent({
    connections: options.maxConnectionsPerOrigin ?? 8,
    connect: { lookup: createGuardedLookup(policy), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  // The URL check is pure, and a dispatcher sends to the same few URLs thousands of times a second.
  const checkedUrl = boundedMemo((url) => checkCallbackUrl(url, policy));

  const deadlines = new Deadlines(timeoutMs);

  // Through undici's dispatch API: the answer's status and first bytes arrive in the handler's calls,
  // with no stream, promise or abort signal per request.
  function send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const result = (fields: Partial<SendResult>): SendResult => ({
      ok: false,
      status: null,
      responseBody: "",
      errorClass: null,
      errorMessage: null,
      ...fields,
      durationMs: Math.round(performance.now() - started),
    });
    const checked = checkedUrl(url);
    if (!checked.ok) return Promise.resolve(result({ errorClass: checked.refusal, errorMessage: checked.reason }));

    const requestHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) requestHeaders[name.toLowerCase()] = value;
    requestHeaders["content-type"] = "application/json";
    requestHeaders["user-agent"] = userAgent;

    return new Promise((resolve) => {
      let status: number | null = null;
      let received = 0;
      let stored = "";
      let decoder: StringDecoder | null = null; // holds back a character cut at the storage limit
      let finished = false;
      let timedOut = false;
      let abort: ((reason: Error) => void) | null = null;
      // One deadline for connect, headers and body: a receiver that drips bytes forever still times out.
      const settled = deadlines.add(() => {
        timedOut = true;
        abort?.(new DeadlineExceeded());
      });
      const finish = (sendResult: SendResult) => {
        if (finished) return;
        finished = true;
        settled();
        resolve(sendResult);
      };
      const answered = () => {
        const responseBody = stored + (decoder?.end() ?? "");
        const responseBodyCut = received > storedResponseBytes;
        if (status! >= 200 && status! < 300) return result({ ok: true, status, responseBody, responseBodyCut });
        const redirect = status! >= 300 && status! < 400 ? " (redirects are not followed)" : "";
        return result({ status, responseBody, responseBodyCut, errorClass: "http_status", errorMessage: `The receiver answered ${status}${redirect}.` });
      };

      const handler: Parameters<Agent["dispatch"]>[1] = {
        onRequestStart(controller) {
          abort = (reason) => controller.abort(reason);
          if (timedOut) controller.abort(new DeadlineExceeded());
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(controller, chunk) {
          const keep = Math.max(0, Math.min(chunk.length, storedResponseBytes - received));
          if (keep > 0) stored += (decoder ??= new StringDecoder("utf8")).write(chunk.subarray(0, keep));
          received += chunk.length;
          // Read no further: the answer is what was stored, and the connection is closed.
          if (received >= maxResponseBytes) {
            finish(answered());
            controller.abort(new Error("response longer than the client reads"));
          }
        },
        onResponseEnd() {
          const sendResult = answered();
          // undici hands a kept-alive socket back to its pool in a setImmediate it queues after this
          // call returns; answering after it lets the next send to this receiver reuse the socket
          // instead of dialling again.
          process.nextTick(() => setImmediate(() => finish(sendResult)));
        },
        onResponseError(_controller, error) {
          finish(result({ status, ...classifyError(error, timedOut, timeoutMs) }));
        },
      };
      try {
        agent.dispatch({ origin: checked.url.origin, path: checked.url.pathname + checked.url.search, method: "POST", headers: requestHeaders, body }, handler);
      } catch (error) {
        // A request undici refuses outright (a header value it cannot send, say) is a failed attempt too.
        finish(result(classifyError(error, false, timeoutMs)));
      }
    });
  }

  return { send, close: () => agent.close() };
}
