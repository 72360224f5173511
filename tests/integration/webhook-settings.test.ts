import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { listAuditEntries } from "@/lib/audit";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import {
  getWebhookSettings,
  loadDeliveryCredentials,
  rotateSigningSecret,
  saveWebhookSettings,
  setWebhookEnabled,
  WebhookSettingsError,
} from "@/lib/webhooks/settings";
import { useDeliveryHarness } from "../support/webhook-fixtures";
import { refusal } from "../support/refusal";

const harness = useDeliveryHarness();

const MASK = "••••••••";
const KEY = "sk_live_first-key-4f9c1a7e2b";
const NEW_KEY = "sk_live_second-key-99d0e31b";
const ALL_EVENTS = ["installed", "compliant", "non_compliant", "deleted"] as const;

let sequence = 0;
async function newAccount(plan: "enterprise" | "standard" = "enterprise") {
  sequence++;
  const { id } = await db.account.create({ data: { name: `Settings ${sequence} ${Date.now()}`, plan } });
  return { id, plan };
}

// The webhook's audit entries, newest first (account and user creation are audited too).
const webhookAudit = async (accountId: string) => (await listAuditEntries(accountId)).filter((entry) => entry.action.startsWith("webhook."));

const storedRow = (accountId: string) => db.webhookIntegration.findUnique({ where: { accountId } });


describe("saving the webhook settings: what is refused", () => {
  it("enabling needs the enterprise plan; nothing is stored and nothing audited", async () => {
    const account = await newAccount("standard");
    const error = await refusal(() => saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant"], enabled: true }, "owner@test"));
    expect(error).toBeInstanceOf(WebhookSettingsError);
    expect(error).toMatchObject({ code: "plan_required", field: "enabled" });
    expect((error as Error).message).toMatch(/enterprise/i);
    expect(await storedRow(account.id)).toBeNull();
    expect(await webhookAudit(account.id)).toHaveLength(0);
  });

  it("the first save needs an API key (field error on apiKey); nothing is stored", async () => {
    const account = await newAccount();
    for (const apiKey of [undefined, "", "   "]) {
      const error = await refusal(() => saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey, events: ["compliant"], enabled: true }, "owner@test"));
      expect(error).toBeInstanceOf(WebhookSettingsError);
      expect(error).toMatchObject({ field: "apiKey", code: "invalid" });
      expect((error as Error).message).toMatch(/API key/);
    }
    expect(await storedRow(account.id)).toBeNull();
  });

  const refusedUrls: [string, RegExp][] = [
    ["javascript:alert(1)", /must start with http:\/\/ or https:\/\/; "javascript:" URLs are not allowed/],
    ["file:///etc/passwd", /must start with http:\/\/ or https:\/\/; "file:" URLs are not allowed/],
    ["https://user:pw@example.com/", /must not contain a user name or password/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a cloud metadata address, which is never allowed/],
    // Link-local is refused even though this server allows private networks (tests set that).
    ["https://[fe80::1]/", /fe80::1 is a link-local address, which is never allowed/],
  ];
  for (const [callbackUrl, reason] of refusedUrls) {
    it(`refuses the callback URL ${callbackUrl} with a clear reason and stores nothing`, async () => {
      const account = await newAccount();
      const error = await refusal(() => saveWebhookSettings(account, { callbackUrl, apiKey: KEY, events: ["compliant"], enabled: true }, "owner@test"));
      expect(error).toBeInstanceOf(WebhookSettingsError);
      expect(error).toMatchObject({ field: "callbackUrl", code: "invalid" });
      expect((error as Error).message).toMatch(reason);
      // The refusal never echoes credentials or the API key.
      expect((error as Error).message).not.toContain("pw@");
      expect((error as Error).message).not.toContain(KEY);
      expect(await storedRow(account.id)).toBeNull();
      expect(await webhookAudit(account.id)).toHaveLength(0);
    });
  }

  it("a refused URL on a later save keeps the stored settings unchanged", async () => {
    const account = await newAccount();
    await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant"], enabled: true }, "owner@test");
    const before = await storedRow(account.id);
    await expect(saveWebhookSettings(account, { callbackUrl: "https://[fe80::1]/", apiKey: NEW_KEY, events: ["deleted"], enabled: true }, "owner@test")).rejects.toBeInstanceOf(WebhookSettingsError);
    expect(await storedRow(account.id)).toEqual(before);
  });

  it("needs at least one event (zod error on events)", async () => {
    const account = await newAccount();
    const error = await refusal(() => saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: [], enabled: true }, "owner@test"));
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues).toMatchObject([{ path: ["events"], message: "Choose at least one event." }]);
    expect(await storedRow(account.id)).toBeNull();
  });

  it("setWebhookEnabled and rotateSigningSecret on an account that never configured a webhook: not_configured", async () => {
    const account = await newAccount();
    for (const enabled of [true, false]) {
      const error = await refusal(() => setWebhookEnabled(account, enabled, "owner@test"));
      expect(error).toBeInstanceOf(WebhookSettingsError);
      expect(error).toMatchObject({ code: "not_configured" });
    }
    await expect(rotateSigningSecret(account.id, "owner@test")).rejects.toMatchObject({ code: "not_configured" });
    expect(await storedRow(account.id)).toBeNull();
    expect(await webhookAudit(account.id)).toHaveLength(0);
  });
});

describe("saving the webhook settings: secrets", () => {
  it("stores the API key encrypted, shows only its last 4, and returns the signing secret once", async () => {
    const account = await newAccount();
    const created = await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant", "deleted"], enabled: true }, "owner@test");
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const row = (await storedRow(account.id))!;
    expect(row.apiKeyEncrypted).not.toContain(KEY);
    expect(row.apiKeyEncrypted).toMatch(/^v1\./);
    expect(row.signingSecretEncrypted).not.toContain(created.signingSecret!.slice("whsec_".length));
    expect(JSON.stringify(row)).not.toContain(KEY);

    const view = (await getWebhookSettings(account.id))!;
    expect(view).toMatchObject({ callbackUrl: "https://hooks.example.com/c", apiKeyMasked: `${MASK}${KEY.slice(-4)}`, events: ["compliant", "deleted"], enabled: true });
    expect(JSON.stringify(view)).not.toContain(KEY);
    expect(JSON.stringify(view)).not.toContain(created.signingSecret!);

    const later = await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c2", apiKey: NEW_KEY, events: ["compliant"], enabled: true }, "owner@test");
    expect(later.signingSecret).toBeNull();
    expect((await loadDeliveryCredentials(account.id))).toMatchObject({ apiKey: NEW_KEY, signingSecrets: [created.signingSecret] });
    expect((await getWebhookSettings(account.id))!.apiKeyMasked).toBe(`${MASK}${NEW_KEY.slice(-4)}`);
  });

  it("never shows a short API key: the mask keeps no characters of a key under 8 characters", async () => {
    const account = await newAccount();
    await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: "k3y9", events: ["compliant"], enabled: true }, "owner@test");
    const view = (await getWebhookSettings(account.id))!;
    expect(view.apiKeyMasked).toBe(MASK);
    const [audit] = await webhookAudit(account.id);
    expect(JSON.stringify(audit!.details)).not.toContain("k3y9");
    expect((await loadDeliveryCredentials(account.id))!.apiKey).toBe("k3y9");
  });

  it("saving again with an empty API key keeps the old key, and delivery still sends it", async () => {
    const account = await newAccount();
    await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant"], enabled: true }, "owner@test");
    await saveWebhookSettings(account, { callbackUrl: harness.receiver.url, apiKey: "", events: ["installed", "compliant"], enabled: true }, "owner@test");
    expect((await getWebhookSettings(account.id))!).toMatchObject({ callbackUrl: harness.receiver.url, apiKeyMasked: `${MASK}${KEY.slice(-4)}`, events: ["installed", "compliant"] });

    harness.start();
    await createDevice(account.id, { deviceId: "KEEP-KEY-1", name: "Laptop", platform: "Linux" }, "api");
    const [request] = await harness.receiver.waitForRequests(1, 5000);
    expect(request!.headers.authorization).toBe(KEY);
    expect(JSON.parse(request!.body)).toMatchObject([{ device_id: "KEEP-KEY-1", status: "installed" }]);
  });

  it("every change is audited with masked values; no API key or signing secret in any entry", async () => {
    const account = await newAccount();
    const { signingSecret } = await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant"], enabled: true }, "alice@test");
    await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c2", apiKey: NEW_KEY, events: ["deleted"], enabled: true }, "bob@test");
    await setWebhookEnabled(account, false, "carol@test");
    await setWebhookEnabled(account, true, "carol@test");
    const rotated = await rotateSigningSecret(account.id, "dave@test");

    const entries = await webhookAudit(account.id);
    expect(entries.map((entry) => [entry.action, entry.actor]).reverse()).toEqual([
      ["webhook.created", "alice@test"],
      ["webhook.updated", "bob@test"],
      ["webhook.disabled", "carol@test"],
      ["webhook.enabled", "carol@test"],
      ["webhook.secret_rotated", "dave@test"],
    ]);
    const updated = entries.find((entry) => entry.action === "webhook.updated")!;
    expect(updated.details).toEqual({
      before: { callbackUrl: "https://hooks.example.com/c", apiKey: `${MASK}${KEY.slice(-4)}`, events: "compliant", enabled: true },
      after: { callbackUrl: "https://hooks.example.com/c2", apiKey: `${MASK}${NEW_KEY.slice(-4)}`, events: "deleted", enabled: true },
    });

    const stored = JSON.stringify(await db.auditLog.findMany({ where: { accountId: account.id, action: { startsWith: "webhook." } } }));
    for (const secret of [KEY, NEW_KEY, signingSecret!, rotated]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(secret.slice(-12));
    }
  });

  it("rotateSigningSecret returns a new secret, keeps the old one valid for 24 h, and records an audit entry", async () => {
    const account = await newAccount();
    const { signingSecret } = await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: ["compliant"], enabled: true }, "owner@test");
    const now = new Date();
    const rotated = await rotateSigningSecret(account.id, "owner@test", now);
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated).not.toBe(signingSecret);
    expect((await loadDeliveryCredentials(account.id))!.signingSecrets).toEqual([rotated, signingSecret]);
    expect((await loadDeliveryCredentials(account.id, new Date(now.getTime() + 24 * 60 * 60 * 1000 + 1)))!.signingSecrets).toEqual([rotated]);
    expect((await getWebhookSettings(account.id))!.previousSecretExpiresAt).toEqual(new Date(now.getTime() + 24 * 60 * 60 * 1000));

    const [entry] = await webhookAudit(account.id);
    expect(entry).toMatchObject({ action: "webhook.secret_rotated", actor: "owner@test", details: { previousValidUntil: new Date(now.getTime() + 24 * 60 * 60 * 1000).toISOString() } });
    expect(JSON.stringify(entry)).not.toContain(rotated);
  });

  it("a standard-plan account may save a disabled webhook, but not enable it", async () => {
    const account = await newAccount("standard");
    await saveWebhookSettings(account, { callbackUrl: "https://hooks.example.com/c", apiKey: KEY, events: [...ALL_EVENTS], enabled: false }, "owner@test");
    expect((await getWebhookSettings(account.id))!.enabled).toBe(false);
    await expect(setWebhookEnabled(account, true, "owner@test")).rejects.toMatchObject({ code: "plan_required" });
    expect((await getWebhookSettings(account.id))!.enabled).toBe(false);
  });
});
