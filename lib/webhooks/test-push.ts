// "Send test": one sample push, sent now, to the saved or a not-yet-saved URL and key. Logged as a
// test push; never retried and never counted towards the automatic disable.
import "server-only";
import { deliveryConfigFromEnv } from "@/lib/webhooks/config";
import { sampleTestBody } from "@/lib/webhooks/contract";
import { attemptRecord, contractHeaders, redactedHeaders } from "@/lib/webhooks/delivery";
import { createWebhookClient, type ErrorClass } from "@/lib/webhooks/http";
import { recordTestPush } from "@/lib/webhooks/pushes";
import { loadDeliveryCredentials, WebhookSettingsError } from "@/lib/webhooks/settings";
import { newMessageId } from "@/lib/webhooks/signing";
import { checkCallbackUrl } from "@/lib/webhooks/ssrf";

export type TestPushResult = {
  ok: boolean;
  status: number | null;
  durationMs: number;
  bodyExcerpt: string;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  pushId: string;
};

export async function sendTestPush(accountId: string, overrides: { callbackUrl?: string; apiKey?: string } = {}, now = new Date()): Promise<TestPushResult> {
  const saved = await loadDeliveryCredentials(accountId);
  const callbackUrl = overrides.callbackUrl || saved?.callbackUrl;
  const apiKey = overrides.apiKey || saved?.apiKey;
  if (!callbackUrl) throw new WebhookSettingsError("callbackUrl", "Enter the callback URL to test.");
  if (!apiKey) throw new WebhookSettingsError("apiKey", "Enter the API key the receiver expects.");

  const config = deliveryConfigFromEnv();
  // Refused like on save: a field error, nothing sent and nothing logged (a refused URL may carry a password).
  const checked = checkCallbackUrl(callbackUrl, config.policy);
  if (!checked.ok) throw new WebhookSettingsError("callbackUrl", checked.reason);
  const push = { id: newMessageId(), body: sampleTestBody(now) };
  const headers = contractHeaders(push, { apiKey, signingSecrets: saved?.signingSecrets ?? [] }, now);
  const client = createWebhookClient({ policy: config.policy, timeoutMs: config.timeoutMs, userAgent: config.userAgent });
  const result = await client.send(callbackUrl, headers, push.body).finally(() => client.close());

  const attempt = attemptRecord(1, callbackUrl, now, redactedHeaders(headers, config.userAgent), result, headers);
  await recordTestPush(accountId, push, attempt);
  // Shown from the record, so a receiver that echoes the stored (write-once) key does not reveal it.
  return {
    ok: result.ok,
    status: result.status,
    durationMs: Math.round(result.durationMs),
    bodyExcerpt: (attempt.responseBody ?? "").slice(0, 500),
    errorClass: result.errorClass,
    errorMessage: attempt.errorMessage,
    pushId: push.id,
  };
}
