// The webhook integration as the API shows it: snake_case, ISO timestamps, secrets masked.
import "server-only";
import type { WebhookSettingsView } from "@/lib/webhooks/settings";
import type { TestPushResult } from "@/lib/webhooks/test-push";

const iso = (time: Date | null) => time?.toISOString() ?? null;

export function webhookSettingsJson(view: WebhookSettingsView) {
  return {
    callback_url: view.callbackUrl,
    api_key: view.apiKeyMasked,
    events: view.events,
    enabled: view.enabled,
    disabled_reason: view.disabledReason,
    disabled_at: iso(view.disabledAt),
    consecutive_failures: view.consecutiveFailures,
    disable_after_failures: view.disableAfterFailures,
    previous_secret_valid_until: iso(view.previousSecretExpiresAt),
    updated_at: view.updatedAt.toISOString(),
  };
}

// Like the console's "Send test" result: a receiver's failure is an answer, not an error.
export function testPushJson(result: TestPushResult) {
  return {
    ok: result.ok,
    status: result.status,
    duration_ms: result.durationMs,
    error: result.errorMessage,
    error_class: result.errorClass,
    response_body: result.bodyExcerpt,
    webhook_id: result.pushId,
  };
}
