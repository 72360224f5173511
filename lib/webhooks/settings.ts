// The webhook integration of an account: callback URL, API key, subscribed statuses, enabled,
// signing secrets. Owns the webhook_integrations table (failure counting lives in failures.ts).
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { boundedMemo } from "@/lib/bounded-memo";
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto/secrets";
import { db } from "@/lib/db";
import { directSql, IN_LIST, listParam, sqlTransactionWithPrisma, timeOf } from "@/lib/sql";
import { deliveryConfigFromEnv } from "@/lib/webhooks/config";
import { releaseHeldNotifications } from "@/lib/webhooks/outbox";
import { redeliverHeldPushes } from "@/lib/webhooks/pushes";
import { generateSigningSecret } from "@/lib/webhooks/signing";
import { checkCallbackHostAddresses, checkCallbackUrl } from "@/lib/webhooks/ssrf";
import { signalNewWork } from "@/lib/webhooks/wake";

export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export const webhookSettingsSchema = z.object({
  callbackUrl: z.string().trim().min(1, "Enter the callback URL.").max(2048, "Use at most 2048 characters."),
  // Empty keeps the stored key ("write-once": the key is replaced, never shown).
  apiKey: z.string().trim().max(1024, "Use at most 1024 characters.").optional(),
  events: z.array(z.enum(DEVICE_STATUSES)).min(1, "Choose at least one event."),
  enabled: z.boolean(),
});
export type WebhookSettingsInput = z.input<typeof webhookSettingsSchema>;

// A refusal the form or API shows next to a field (or as a whole-form message when field is null).
export class WebhookSettingsError extends Error {
  constructor(
    readonly field: "callbackUrl" | "apiKey" | "events" | "enabled" | null,
    message: string,
    readonly code: "invalid" | "plan_required" | "not_configured" = "invalid",
  ) {
    super(message);
  }
}

export function parseEvents(events: string): DeviceStatus[] {
  return events.split(",").filter((event): event is DeviceStatus => (DEVICE_STATUSES as readonly string[]).includes(event));
}

export type WebhookSettingsView = {
  callbackUrl: string;
  apiKeyMasked: string;
  events: DeviceStatus[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  disableAfterFailures: number;
  previousSecretExpiresAt: Date | null;
  updatedAt: Date;
};

// The integration as the console and API show it: secrets masked. Null when never configured.
export async function getWebhookSettings(accountId: string): Promise<WebhookSettingsView | null> {
  const row = await db.webhookIntegration.findUnique({ where: { accountId } });
  if (!row) return null;
  return {
    callbackUrl: row.callbackUrl,
    apiKeyMasked: maskApiKey(row.apiKeyLast4),
    events: parseEvents(row.events),
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    consecutiveFailures: row.consecutiveFailures,
    disableAfterFailures: deliveryConfigFromEnv().disableAfterFailures,
    previousSecretExpiresAt: row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date() ? row.previousSecretExpiresAt : null,
    updatedAt: row.updatedAt,
  };
}

// The stored hint of a key: its last 4 characters, none for a key under 8 (as maskSecret shows it).
function apiKeyHint(apiKey: string): string {
  const chars = Array.from(apiKey);
  return chars.length < 8 ? "" : chars.slice(-4).join("");
}

function maskApiKey(last4: string): string {
  return last4 ? maskSecret(`xxxxxxxx${last4}`) : maskSecret("");
}

function auditView(row: { callbackUrl: string; apiKeyLast4: string; events: string; enabled: boolean } | null) {
  return row && { callbackUrl: row.callbackUrl, apiKey: maskApiKey(row.apiKeyLast4), events: row.events, enabled: row.enabled };
}

async function requireAllowedUrl(callbackUrl: string): Promise<string> {
  const { policy } = deliveryConfigFromEnv();
  const checked = checkCallbackUrl(callbackUrl, policy);
  if (!checked.ok) throw new WebhookSettingsError("callbackUrl", checked.reason);
  const resolvesToRefused = await checkCallbackHostAddresses(checked.url, policy);
  if (resolvesToRefused) throw new WebhookSettingsError("callbackUrl", resolvesToRefused);
  return checked.url.toString();
}

// Creates or updates the integration. Returns the signing secret when it was just created (shown once).
export async function saveWebhookSettings(
  account: { id: string; plan: string },
  input: WebhookSettingsInput,
  actor: string,
): Promise<{ signingSecret: string | null }> {
  const data = webhookSettingsSchema.parse(input);
  const callbackUrl = await requireAllowedUrl(data.callbackUrl);
  if (data.enabled && account.plan !== "enterprise") {
    throw new WebhookSettingsError("enabled", "Webhooks are an enterprise-plan feature. Upgrade the account to enable them.", "plan_required");
  }
  return db.$transaction(async (tx) => {
    const before = await tx.webhookIntegration.findUnique({ where: { accountId: account.id } });
    const apiKey = data.apiKey || null;
    if (!before && !apiKey) throw new WebhookSettingsError("apiKey", "Enter the API key the receiver expects.");
    const fields = {
      callbackUrl,
      events: data.events.join(","),
      enabled: data.enabled,
      ...(apiKey ? { apiKeyEncrypted: encryptSecret(apiKey), apiKeyLast4: apiKeyHint(apiKey) } : {}),
      // Turning it on by hand clears an automatic disable and its failure count.
      ...(data.enabled && !before?.enabled ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0 } : {}),
    };
    let signingSecret: string | null = null;
    const after = before
      ? await tx.webhookIntegration.update({ where: { accountId: account.id }, data: fields })
      : await tx.webhookIntegration.create({
          data: {
            ...fields,
            accountId: account.id,
            apiKeyEncrypted: encryptSecret(apiKey!),
            apiKeyLast4: apiKeyHint(apiKey!),
            signingSecretEncrypted: encryptSecret((signingSecret = generateSigningSecret())),
          },
        });
    await recordAudit(
      { accountId: account.id, actor, action: before ? "webhook.updated" : "webhook.created", target: "webhook", details: { before: auditView(before), after: auditView(after) } },
      tx,
    );
    return { signingSecret };
  });
}

// Turns the integration on or off by hand. Turning it on resets the failure count and, when asked,
// delivers what was held while it was off.
export async function setWebhookEnabled(
  account: { id: string; plan: string },
  enabled: boolean,
  actor: string,
  options: { deliverHeld?: boolean } = {},
): Promise<{ redelivered: number; released: number }> {
  if (enabled && account.plan !== "enterprise") {
    throw new WebhookSettingsError("enabled", "Webhooks are an enterprise-plan feature. Upgrade the account to enable them.", "plan_required");
  }
  const result = await sqlTransactionWithPrisma(async (sql, tx) => {
    const before = await tx.webhookIntegration.findUnique({ where: { accountId: account.id } });
    if (!before) throw new WebhookSettingsError(null, "Configure the webhook before enabling it.", "not_configured");
    await tx.webhookIntegration.update({
      where: { accountId: account.id },
      data: enabled ? { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 } : { enabled: false, disabledReason: null, disabledAt: new Date() },
    });
    await recordAudit(
      { accountId: account.id, actor, action: enabled ? "webhook.enabled" : "webhook.disabled", target: "webhook", details: { deliverHeld: Boolean(options.deliverHeld), previousFailures: before.consecutiveFailures } },
      tx,
    );
    if (!enabled || !options.deliverHeld) return { redelivered: 0, released: 0 };
    return {
      released: await releaseHeldNotifications(tx, account.id),
      redelivered: await redeliverHeldPushes(sql, tx, account.id),
    };
  });
  if (enabled) signalNewWork();
  return result;
}

// A new signing secret (returned once); the previous one stays valid, and signed with, for 24 hours.
export async function rotateSigningSecret(accountId: string, actor: string, now = new Date()): Promise<string> {
  const secret = generateSigningSecret();
  await db.$transaction(async (tx) => {
    const before = await tx.webhookIntegration.findUnique({ where: { accountId } });
    if (!before) throw new WebhookSettingsError(null, "Configure the webhook before rotating its secret.", "not_configured");
    await tx.webhookIntegration.update({
      where: { accountId },
      data: {
        signingSecretEncrypted: encryptSecret(secret),
        previousSecretEncrypted: before.signingSecretEncrypted,
        previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS),
      },
    });
    await recordAudit({ accountId, actor, action: "webhook.secret_rotated", target: "webhook", details: { previousValidUntil: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString() } }, tx);
  });
  return secret;
}

export type DeliveryCredentials = { callbackUrl: string; apiKey: string; signingSecrets: string[]; enabled: boolean };

// What the dispatcher needs to send: decrypted, only in memory, never logged.
export async function loadDeliveryCredentials(accountId: string, now = new Date()): Promise<DeliveryCredentials | null> {
  return (await loadDeliveryCredentialsOf([accountId], now)).get(accountId) ?? null;
}

// The same for every account of a claimed batch, in one query.
type CredentialsRow = {
  account_id: string;
  callback_url: string;
  api_key_encrypted: string;
  signing_secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: unknown;
  enabled: boolean | number;
};

// Plain text by stored token: the dispatcher loads credentials for every claimed batch, and a token
// only ever decrypts to one text (a new key or secret is a new token).
const decryptStored = boundedMemo(decryptSecret);

export async function loadDeliveryCredentialsOf(accountIds: string[], now = new Date()): Promise<Map<string, DeliveryCredentials>> {
  const sql = await directSql();
  const rows = await sql.all<CredentialsRow>(
    `SELECT account_id, callback_url, api_key_encrypted, signing_secret_encrypted, previous_secret_encrypted, previous_secret_expires_at, enabled
      FROM webhook_integrations WHERE account_id ${IN_LIST}`,
    [listParam(accountIds)],
  );
  return new Map(
    rows.map((row) => {
      const signingSecrets = [decryptStored(row.signing_secret_encrypted)];
      const previousExpiresAt = timeOf(row.previous_secret_expires_at);
      if (row.previous_secret_encrypted && previousExpiresAt && previousExpiresAt > now) signingSecrets.push(decryptStored(row.previous_secret_encrypted));
      return [row.account_id, { callbackUrl: row.callback_url, apiKey: decryptStored(row.api_key_encrypted), signingSecrets, enabled: Boolean(row.enabled) }];
    }),
  );
}
