// One delivery attempt of a push: the contract's headers (bare API key, Standard Webhooks id,
// timestamp and signature), the POST, and the recorded outcome. Secrets never leave memory.
import "server-only";
import { metrics } from "@/lib/metrics";
import type { DeliveryConfig } from "@/lib/webhooks/config";
import type { SendResult, WebhookClient } from "@/lib/webhooks/http";
import type { AttemptRecord, PushOutcome, LeasedPush, Settlement } from "@/lib/webhooks/pushes";
import type { DeliveryCredentials } from "@/lib/webhooks/settings";
import { signatureHeader } from "@/lib/webhooks/signing";

export const REDACTED = "[redacted]";

// The headers of one attempt. The signature covers id, this attempt's timestamp and the exact body.
export function contractHeaders(push: { id: string; body: string }, credentials: { apiKey: string; signingSecrets: string[] }, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    authorization: credentials.apiKey,
    "webhook-id": push.id,
    "webhook-timestamp": String(timestamp),
    ...(credentials.signingSecrets.length ? { "webhook-signature": signatureHeader(credentials.signingSecrets, push.id, timestamp, push.body) } : {}),
  };
}

// What the event log stores of the request headers: everything but the secrets.
export function redactedHeaders(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const stored: Record<string, string> = { "content-type": "application/json", "user-agent": userAgent, ...headers };
  if (stored.authorization) stored.authorization = REDACTED;
  if (stored["webhook-signature"]) stored["webhook-signature"] = REDACTED;
  return stored;
}

// The secrets a request carried (the API key, each signature), as they could come back in an answer.
function secretsSent(headers: Record<string, string>): string[] {
  const signatures = (headers["webhook-signature"] ?? "").split(" ").flatMap((entry) => [entry, entry.slice(entry.indexOf(",") + 1)]);
  return [headers.authorization ?? "", ...signatures].filter((secret) => secret.length >= 8);
}

// A receiver may echo the request back (debug error pages do): its answer is stored without our secrets.
// An answer cut at the storage limit may end in the first characters of one: that end goes too.
function withoutSecrets(text: string | null, secrets: string[], cut = false): string | null {
  if (text === null) return null;
  let scrubbed = secrets.reduce((partial, secret) => partial.replaceAll(secret, REDACTED), text);
  if (!cut) return scrubbed;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, scrubbed.length); length > 0; length--) {
      if (!scrubbed.endsWith(secret.slice(0, length))) continue;
      scrubbed = scrubbed.slice(0, -length) + REDACTED;
      break;
    }
  }
  return scrubbed;
}

// What the event log keeps of one attempt; `sentHeaders` (unredacted) names the secrets to scrub.
export function attemptRecord(number: number, url: string, startedAt: Date, storedHeaders: Record<string, string>, result: SendResult, sentHeaders: Record<string, string> = {}): AttemptRecord {
  const secrets = secretsSent(sentHeaders);
  return {
    number,
    url,
    startedAt,
    durationMs: Math.round(result.durationMs),
    ok: result.ok,
    statusCode: result.status,
    errorClass: result.errorClass,
    errorMessage: withoutSecrets(result.errorMessage, secrets),
    requestHeaders: storedHeaders,
    responseBody: withoutSecrets(result.responseBody || null, secrets, result.responseBodyCut),
  };
}

// Sends one attempt of a push and hands it to `settle` (the dispatcher's group commit) to record.
export async function deliverPush(
  push: LeasedPush,
  credentials: DeliveryCredentials | null,
  client: WebhookClient,
  config: DeliveryConfig,
  settle: (settlement: Settlement) => Promise<PushOutcome>,
  now: () => Date = () => new Date(),
): Promise<PushOutcome> {
  // Disabled (or removed) while this push waited: keep it, as held, without sending.
  if (!credentials?.enabled) return settle({ push, attempt: null });

  const startedAt = now();
  const headers = contractHeaders(push, credentials, startedAt);
  const result = await client.send(credentials.callbackUrl, headers, push.body);
  metrics.attempts.inc({ outcome: result.ok ? "success" : (result.errorClass ?? "error") });
  metrics.latency.observe(result.durationMs / 1000);
  const attempt = attemptRecord(push.attemptCount + 1, credentials.callbackUrl, startedAt, redactedHeaders(headers, config.userAgent), result, headers);
  const outcome = await settle({ push, attempt });
  if (outcome.state !== "retrying" && outcome.state !== "superseded") metrics.pushes.inc({ result: outcome.state });
  return outcome;
}
