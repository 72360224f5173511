// The webhook integration: read, replace, test, enable, rotate the signing secret.
import { z } from "zod";
import { webhookSettingsSchema } from "@/lib/webhooks/settings";
import { defineOperation, type Operation } from "../operation";
import { deviceStatusSchema, named, timestampSchema } from "../schemas";

const TAG = "Webhook integration";
const settingsFields = webhookSettingsSchema.shape;

export const webhookSettingsViewSchema = named(
  "WebhookSettings",
  "The account's webhook integration. The API key is masked and the signing secret is never shown.",
  z.object({
    callback_url: z.string().describe("Where notifications are POSTed."),
    api_key: z.string().describe('The API key, masked: its last 4 characters at most, e.g. "••••••••7f3a".'),
    events: z.array(deviceStatusSchema).describe("The device statuses that trigger a notification."),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().describe("Why it was disabled automatically (after consecutive failed pushes); null otherwise."),
    disabled_at: timestampSchema.nullable().describe("When it was last disabled, automatically or by hand; null while enabled."),
    consecutive_failures: z.number().int().min(0).describe("Failed pushes in a row; any successful attempt resets it to 0."),
    disable_after_failures: z.number().int().min(1).describe("The count of consecutive failed pushes at which the integration disables itself."),
    previous_secret_valid_until: timestampSchema.nullable().describe("After a rotation, until when the previous signing secret is still sent and valid; null otherwise."),
    updated_at: timestampSchema,
  }),
);

export const webhookSettingsBodySchema = named(
  "WebhookSettingsUpdate",
  "The whole integration. Omit api_key to keep the stored key; it is required when the integration is first created.",
  z.strictObject({
    callback_url: settingsFields.callbackUrl.describe("https URL of the receiver; checked against the server's network policy (no private or link-local addresses, no credentials)."),
    api_key: settingsFields.apiKey
      .unwrap()
      .min(1, "Omit api_key to keep the stored key; it cannot be empty.")
      .optional()
      .describe("Sent as the Authorization header of every callback, exactly. Write-only: answers show it masked."),
    events: settingsFields.events.describe("The device statuses that trigger a notification; at least one."),
    enabled: settingsFields.enabled.describe("Whether notifications are sent. Enabling needs the enterprise plan; false disables the integration by hand."),
  }),
);

export const getWebhookSettings = defineOperation({
  operationId: "getWebhookSettings",
  method: "GET",
  path: "/integrations/webhook",
  tag: TAG,
  summary: "Read the webhook settings",
  description:
    "The callback URL, the masked API key, the subscribed events and the integration's state: whether it is enabled, why and when it " +
    "was disabled, and the consecutive failures against the automatic-disable threshold. Answers 404 `webhook_not_configured` " +
    "until the integration is created with PUT.",
  scope: "webhook:read",
  success: { status: 200, description: "The settings, secrets masked.", schema: webhookSettingsViewSchema },
  errors: [404],
});

export const putWebhookSettings = defineOperation({
  operationId: "putWebhookSettings",
  method: "PUT",
  path: "/integrations/webhook",
  tag: TAG,
  summary: "Create or replace the webhook settings",
  description:
    "Creates the integration or replaces its settings; every field but api_key is required. Both answer 200: the answer that " +
    "created the integration has `created: true` and carries the `signing_secret` (whsec_…) to verify webhook-signature with. " +
    "It is shown this once; rotate it if it is lost. Send `enabled: false` to disable the integration by hand (there is no separate " +
    "disable call): status changes made while it is off by hand are not notified. Enabling it again here clears an automatic " +
    "disable but leaves held notifications held, while POST /integrations/webhook/enable can also deliver them. A refused callback " +
    "URL is a 422 pointing at /callback_url; enabling on a plan without webhooks is a 403 `plan_required`.",
  scope: "webhook:write",
  body: webhookSettingsBodySchema,
  success: {
    status: 200,
    description: "The saved settings; on creation also the signing secret, once.",
    schema: named(
      "WebhookSettingsSaved",
      "The saved settings, and whether this request created the integration.",
      webhookSettingsViewSchema.extend({
        created: z.boolean().describe("True when this request created the integration."),
        signing_secret: z.string().nullable().describe("The signing secret (whsec_…), only in the answer that created the integration; null on every update."),
      }),
    ),
  },
});

export const testWebhook = defineOperation({
  operationId: "testWebhook",
  method: "POST",
  path: "/integrations/webhook/test",
  tag: TAG,
  summary: "Send a test push",
  description:
    "Sends one sample notification (device TEST-DEVICE-0000, status compliant) to the saved callback URL now, with the saved API key " +
    "and the contract's signed headers, and reports the receiver's answer. A receiver that fails is a 200 with `ok: false`, not an " +
    "error. The test is logged in the webhook log; it is never retried, never counts towards the automatic disable and works while " +
    "the integration is disabled. Answers 409 when the integration is not configured or its saved URL is now refused.",
  scope: "webhook:write",
  success: {
    status: 200,
    description: "What the receiver answered.",
    schema: named(
      "WebhookTestResult",
      "The outcome of a test push.",
      z.object({
        ok: z.boolean().describe("True when the receiver answered 2xx."),
        status: z.number().int().nullable().describe("The receiver's HTTP status; null when there was no HTTP answer."),
        duration_ms: z.number().int().min(0),
        error: z.string().nullable().describe("What went wrong, in words; null on success."),
        error_class: z.string().nullable().describe("http_status, timeout, connection_refused, connection_reset, dns, tls, ssrf_blocked, invalid_url or network; null on success."),
        response_body: z.string().describe("The start of the receiver's response body (at most 500 characters)."),
        webhook_id: z.string().describe("The push's webhook-id header, and its push_id in GET /logs/webhook/{push_id}."),
      }),
    ),
  },
  errors: [409],
});

export const enableWebhook = defineOperation({
  operationId: "enableWebhook",
  method: "POST",
  path: "/integrations/webhook/enable",
  tag: TAG,
  summary: "Re-enable the webhook",
  description:
    "Enables the integration, typically after an automatic disable: clears the reason and resets the failure count. Status changes " +
    "made while it was disabled, and pushes cut off by the disable, are kept as held; with `deliver_held: true` they are delivered " +
    "now, otherwise they stay held (each can be redelivered from the log). Send no body (or `{}`) to only re-enable. To disable, PUT the " +
    "settings with `enabled: false`.",
  scope: "webhook:write",
  bodyOptional: true,
  body: named(
    "WebhookEnable",
    "How to re-enable.",
    z.strictObject({ deliver_held: z.boolean().optional().describe("Also deliver what was held while disabled. Default false.") }),
  ),
  success: {
    status: 200,
    description: "The enabled settings and what is being delivered again.",
    schema: named(
      "WebhookEnabled",
      "The integration after enabling, and what was queued for delivery.",
      z.object({
        webhook: webhookSettingsViewSchema,
        released_notifications: z.number().int().min(0).describe("Held status changes that were never sent, now queued for delivery in new pushes."),
        redelivered_pushes: z.number().int().min(0).describe("Held pushes (cut off by the disable) sent again as new pushes with new webhook-ids."),
      }),
    ),
  },
  errors: [409],
});

export const rotateSigningSecret = defineOperation({
  operationId: "rotateSigningSecret",
  method: "POST",
  path: "/integrations/webhook/rotate-secret",
  tag: TAG,
  summary: "Rotate the signing secret",
  description:
    "Creates a new signing secret and answers it once. For 24 hours the previous secret stays valid: callbacks carry a signature " +
    "with each, space-separated, so receivers can switch over without missing a push.",
  scope: "webhook:write",
  success: {
    status: 200,
    description: "The new secret, shown this once.",
    schema: named(
      "SigningSecretRotated",
      "A new signing secret.",
      z.object({
        signing_secret: z.string().describe("The new secret (whsec_…); it is never shown again."),
        previous_secret_valid_until: timestampSchema.describe("Until when callbacks are also signed with the previous secret."),
      }),
    ),
  },
  errors: [409],
});

export const WEBHOOK_OPERATIONS: Operation[] = [getWebhookSettings, putWebhookSettings, testWebhook, enableWebhook, rotateSigningSecret];
