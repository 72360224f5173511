import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getPush, listPushes } from "@/lib/webhooks/event-log";
import { saveWebhookSettings, WebhookSettingsError } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { startReceiver, type Receiver } from "../support/receiver";
import { API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

// A second receiver: where a not-yet-saved callback URL points.
let other: Receiver;
beforeAll(async () => {
  other = await startReceiver();
});
afterAll(() => other.close());

let sequence = 0;
const unconfiguredAccount = async () => (await db.account.create({ data: { name: `Test push ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id;

// Like the fixtures' accountWithWebhook, without a user (no password hashing: keeps the file fast).
async function accountWithWebhook(callbackUrl: string) {
  const accountId = await unconfiguredAccount();
  const { signingSecret } = await saveWebhookSettings({ id: accountId, plan: "enterprise" }, { callbackUrl, apiKey: API_KEY, events: ["compliant"], enabled: true }, "owner@test");
  return { accountId, signingSecret: signingSecret! };
}

const integration = (accountId: string) => db.webhookIntegration.findUniqueOrThrow({ where: { accountId } });

describe("Send test", () => {
  it("sends the sample body with the contract's headers to the saved URL and key, and reports the answer", async () => {
    const { accountId, signingSecret } = await accountWithWebhook(harness.receiver.url);
    harness.receiver.respondWith(200, { body: "thanks, got it" });
    const now = new Date();
    const result = await sendTestPush(accountId, {}, now);

    expect(result).toEqual({ ok: true, status: 200, durationMs: expect.any(Number), bodyExcerpt: "thanks, got it", errorClass: null, errorMessage: null, pushId: expect.stringMatching(/^msg_/) });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(5000);

    expect(harness.receiver.requests).toHaveLength(1);
    const [request] = harness.receiver.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/hooks/compliance");
    expect(request!.headers.authorization).toBe(API_KEY);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["user-agent"]).toMatch(/^ComplianceWebhooks\//);
    expect(request!.headers["webhook-id"]).toBe(result.pushId);
    expect(request!.headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(JSON.parse(request!.body)).toEqual([{ device_id: "TEST-DEVICE-0000", status: "compliant", timestamp: now.getTime() }]);
    // Signed with the account's secret, so the vendor can check its verification too.
    const verified = new Webhook(signingSecret).verify(request!.body, {
      "webhook-id": String(request!.headers["webhook-id"]),
      "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
      "webhook-signature": String(request!.headers["webhook-signature"]),
    });
    expect(verified).toEqual(JSON.parse(request!.body));
  });

  it("goes to a not-yet-saved URL and key when given, not to the saved ones", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    const result = await sendTestPush(accountId, { callbackUrl: other.url, apiKey: "draft-key-not-saved-0001" });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(harness.receiver.requests).toHaveLength(0);
    const request = other.requests.at(-1)!;
    expect(request.headers.authorization).toBe("draft-key-not-saved-0001");
    expect(request.headers["webhook-id"]).toBe(result.pushId);
    // The saved settings are untouched by a test.
    expect(await integration(accountId)).toMatchObject({ callbackUrl: harness.receiver.url, apiKeyLast4: API_KEY.slice(-4) });
  });

  it("works before anything is saved, with the URL and key from the form; without them it asks for them", async () => {
    const accountId = await unconfiguredAccount();
    await expect(sendTestPush(accountId)).rejects.toMatchObject({ field: "callbackUrl" });
    await expect(sendTestPush(accountId, { callbackUrl: other.url })).rejects.toMatchObject({ field: "apiKey" });
    const sent = other.requests.length;
    const result = await sendTestPush(accountId, { callbackUrl: other.url, apiKey: "first-time-key-1234" });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(other.requests).toHaveLength(sent + 1);
    expect(other.requests.at(-1)!.headers.authorization).toBe("first-time-key-1234");
    // No secret yet, so no signature; the documented contract's headers are all there.
    expect(other.requests.at(-1)!.headers["webhook-signature"]).toBeUndefined();
  });

  it("a failing receiver: ok false, http_status, the answer shown; the failure count is untouched", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    await db.webhookIntegration.update({ where: { accountId }, data: { consecutiveFailures: 3 } });
    harness.receiver.respondWith(500, { body: "internal error at the vendor" });
    const result = await sendTestPush(accountId);
    expect(result).toMatchObject({ ok: false, status: 500, errorClass: "http_status", bodyExcerpt: "internal error at the vendor", errorMessage: "The receiver answered 500." });
    expect(harness.receiver.requests).toHaveLength(1);
    expect(await integration(accountId)).toMatchObject({ consecutiveFailures: 3, enabled: true, disabledReason: null });

    // A connection refused is reported too, with no HTTP status.
    const closed = await startReceiver();
    const closedUrl = closed.url;
    await closed.close();
    const refused = await sendTestPush(accountId, { callbackUrl: closedUrl });
    expect(refused).toMatchObject({ ok: false, status: null, errorClass: "connection_refused" });
    expect(await integration(accountId)).toMatchObject({ consecutiveFailures: 3, enabled: true });
  });

  const refused: [string, RegExp][] = [
    [`http://169.254.169.254/latest/meta-data/`, /cloud metadata address, which is never allowed/],
    [`http://[fe80::1]:8080/hooks`, /link-local address, which is never allowed/],
    // Would reach the test receiver if it were sent.
    [`http://vendor:hunter2@127.0.0.1:${0}/hooks/compliance`, /must not contain a user name or password/],
    ["javascript:alert(1)", /"javascript:" URLs are not allowed/],
  ];
  for (const [template, reason] of refused) {
    it(`refuses ${template.replace(":0/", ":<receiver>/")} with a clear field error; nothing is sent or logged`, async () => {
      const { accountId } = await accountWithWebhook(harness.receiver.url);
      const callbackUrl = template.replace("127.0.0.1:0", new URL(harness.receiver.url).host);
      let error: unknown = null;
      try {
        await sendTestPush(accountId, { callbackUrl });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WebhookSettingsError);
      expect(error).toMatchObject({ field: "callbackUrl" });
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain("hunter2");
      expect((error as Error).message).not.toContain(API_KEY);
      expect(harness.receiver.requests).toHaveLength(0);
      expect(other.requests.filter((request) => request.headers.authorization === API_KEY)).toHaveLength(0);
      // Nothing logged, so no refused URL (or password in it) lands in the event log.
      expect(await db.push.count({ where: { accountId } })).toBe(0);
    });
  }

  it("is logged as a test push with its one attempt, secrets redacted, and no notification", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    harness.receiver.respondWith(503, { body: "maintenance" });
    const failed = await sendTestPush(accountId);
    harness.receiver.respondWith(200);
    const succeeded = await sendTestPush(accountId);

    const failedPush = await getPush(accountId, failed.pushId);
    expect(failedPush).toMatchObject({ kind: "test", state: "failed", attemptCount: 1, lastStatusCode: 503, lastErrorClass: "http_status", redeliveryOfId: null });
    expect(failedPush!.attempts).toHaveLength(1);
    expect(failedPush!.attempts[0]).toMatchObject({ number: 1, url: harness.receiver.url, statusCode: 503, errorClass: "http_status", responseBody: "maintenance" });
    expect(failedPush!.attempts[0]!.requestHeaders).toMatchObject({ authorization: "[redacted]", "webhook-signature": "[redacted]", "webhook-id": failed.pushId, "content-type": "application/json" });
    expect(JSON.parse(failedPush!.body)).toEqual([{ device_id: "TEST-DEVICE-0000", status: "compliant", timestamp: expect.any(Number) }]);
    expect(JSON.stringify(failedPush)).not.toContain(API_KEY);

    expect(await getPush(accountId, succeeded.pushId)).toMatchObject({ kind: "test", state: "succeeded", attemptCount: 1, lastStatusCode: 200 });
    const { pushes } = await listPushes(accountId, {});
    expect(pushes.map((push) => [push.id, push.kind, push.state])).toEqual([
      [succeeded.pushId, "test", "succeeded"],
      [failed.pushId, "test", "failed"],
    ]);
    expect(await db.notification.count({ where: { accountId } })).toBe(0);
    expect(await integration(accountId)).toMatchObject({ consecutiveFailures: 0 });

    // Another account cannot see it.
    const { accountId: otherAccount } = await accountWithWebhook(harness.receiver.url);
    expect(await getPush(otherAccount, failed.pushId)).toBeNull();
  });
});
