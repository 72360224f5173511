// Standard Webhooks signing (https://www.standardwebhooks.com): per-account "whsec_" secrets,
// "v1,<base64 HMAC-SHA256>" signatures over "<webhook-id>.<webhook-timestamp>.<body>", and message ids.
import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { newTimeOrderedId, timeOrderedIdLowerBound } from "@/lib/ids";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
// The spec asks for symmetric secrets of 24 to 64 bytes.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// 1e11 s is the year 5138; anything larger is a millisecond value passed by mistake.
const MAX_TIMESTAMP_SECONDS = 1e11;

// A new signing secret for an account, shown to the vendor once: "whsec_" + base64 of 32 random bytes.
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

// The HMAC key is the base64-decoded part after "whsec_"; errors never echo the secret.
function signingKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : "";
  const key = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new Error(`signing secret must be "whsec_" + base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
  }
  return key;
}

// One "v1,<base64>" signature. The id and timestamp must not contain "." (the spec's delimiter).
export function signPayload(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  if (!msgId || msgId.includes(".") || /\s/.test(msgId)) throw new Error("webhook-id must be non-empty without '.' or spaces");
  // Seconds, not the milliseconds of the notification body: receivers reject a timestamp 5 min off.
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0 || timestampSeconds >= MAX_TIMESTAMP_SECONDS) {
    throw new Error("webhook-timestamp must be an integer number of seconds since the epoch (not milliseconds)");
  }
  const mac = createHmac("sha256", signingKey(secret)).update(`${msgId}.${timestampSeconds}.${body}`, "utf8");
  return `v1,${mac.digest("base64")}`;
}

// The webhook-signature header: one signature per secret, space-delimited. During rotation the
// previous secret stays valid for 24 h, so both are passed and the receiver accepts either.
export function signatureHeader(secrets: string[], msgId: string, timestampSeconds: number, body: string): string {
  const unique = [...new Set(secrets)];
  if (unique.length === 0) throw new Error("at least one signing secret is required");
  return unique.map((secret) => signPayload(secret, msgId, timestampSeconds, body)).join(" ");
}

// The webhook-id header and a push's primary key: "msg_" + a monotonic ULID, unique and in creation order.
export function newMessageId(): string {
  return `msg_${newTimeOrderedId()}`;
}

// The smallest message id of a given time: push ids are time-ordered, so a time range is an id range
// (which the (account, id) index serves without a scan of created_at).
export function messageIdLowerBound(time: Date): string {
  return `msg_${timeOrderedIdLowerBound(time)}`;
}
