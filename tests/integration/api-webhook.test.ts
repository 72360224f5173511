// /api/v1/integrations/webhook as a vendor's script meets it: create and replace the settings, send a
// test push to a real receiver, re-enable after an automatic disable, rotate the signing secret. The
// API key and the signing secret never appear in a read or in a problem.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { PUT as putRoute, GET as getRoute } from "@/app/api/v1/integrations/webhook/route";
import { POST as enableRoute } from "@/app/api/v1/integrations/webhook/enable/route";
import { POST as rotateRoute } from "@/app/api/v1/integrations/webhook/rotate-secret/route";
import { POST as testRoute } from "@/app/api/v1/integrations/webhook/test/route";
import type { ApiScope } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { apiAccount, callApi, expectDocumented, type ApiAnswer } from "../support/api";
import { eventually, startReceiver } from "../support/receiver";
import { useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

const API_KEY = "vendor-api-key-from-the-api-4821";
const MASKED_KEY = "••••••••4821";
const settingsBody = (callbackUrl: string, overrides: Record<string, unknown> = {}) => ({ callback_url: callbackUrl, api_key: API_KEY, events: ["compliant", "non_compliant"], enabled: true, ...overrides });

const read = (token: string) => callApi(getRoute, { path: "/integrations/webhook", token });
const put = (token: string, body: unknown) => callApi(putRoute, { method: "PUT", path: "/integrations/webhook", token, body });
const sendTest = (token: string) => callApi(testRoute, { method: "POST", path: "/integrations/webhook/test", token });
const enable = (token: string, body: unknown = {}) => callApi(enableRoute, { method: "POST", path: "/integrations/webhook/enable", token, body });
const rotate = (token: string) => callApi(rotateRoute, { method: "POST", path: "/integrations/webhook/rotate-secret", token });

// Every secret an account has had; no read and no problem may contain any of them.
const secrets = new Set<string>([API_KEY]);
function expectNoSecrets(answer: ApiAnswer) {
  for (const secret of secrets) expect(answer.text).not.toContain(secret);
}

// An account whose webhook was created through the API, with the signing secret the creation answered.
async function configuredAccount(callbackUrl: string, options: { plan?: "enterprise" | "standard"; scopes?: ApiScope[] } = {}) {
  const account = await apiAccount(options);
  const created = await put(account.token, settingsBody(callbackUrl, { enabled: options.plan !== "standard" }));
  expect(created.status).toBe(200);
  secrets.add(created.body.signing_secret);
  return { ...account, signingSecret: created.body.signing_secret as string };
}

const webhookRow = (accountId: string) => db.webhookIntegration.findUnique({ where: { accountId } });
const auditActions = async (accountId: string) => (await db.auditLog.findMany({ where: { accountId, target: "webhook" }, orderBy: { createdAt: "asc" } })).map((entry) => entry.action);

function verifySignature(secret: string, request: { body: string; headers: Record<string, unknown> }) {
  return new Webhook(secret).verify(request.body, {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  });
}

describe("GET /integrations/webhook", () => {
  it("answers 404 webhook_not_configured before the webhook is created", async () => {
    const { token } = await apiAccount();
    const answer = await read(token);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "webhook_not_configured" });
    expect(answer.body.detail).toContain("PUT /api/v1/integrations/webhook");
    expectDocumented("getWebhookSettings", answer);
  });

  it("shows the settings and state with the API key masked and no signing secret", async () => {
    const { token, accountId } = await configuredAccount(harness.receiver.url);
    const answer = await read(token);
    expect(answer.status).toBe(200);
    expectDocumented("getWebhookSettings", answer);
    expect(answer.body).toEqual({
      callback_url: harness.receiver.url,
      api_key: MASKED_KEY,
      events: ["compliant", "non_compliant"],
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      consecutive_failures: 0,
      disable_after_failures: 100,
      previous_secret_valid_until: null,
      updated_at: (await webhookRow(accountId))!.updatedAt.toISOString(),
    });
    expect(answer.text).not.toMatch(/whsec_|signing_secret/);
    expectNoSecrets(answer);
  });

  it("needs the webhook:read scope, and shows only the token's own account", async () => {
    const configured = await configuredAccount(harness.receiver.url);
    const logsOnly = await apiAccount({ scopes: ["logs:read"] });
    const refused = await read(logsOnly.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "insufficient_scope" });
    expectDocumented("getWebhookSettings", refused);

    // Another account's token never reaches this account's integration.
    const other = await apiAccount();
    const answer = await read(other.token);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain(harness.receiver.url);
    expect(await webhookRow(configured.accountId)).not.toBeNull();
  });
});

describe("PUT /integrations/webhook", () => {
  it("creates the integration: 200 with created true and the signing secret once, audited with the token as actor", async () => {
    const { token, accountId } = await apiAccount();
    const answer = await put(token, settingsBody(harness.receiver.url));
    expect(answer.status).toBe(200);
    expectDocumented("putWebhookSettings", answer);
    expect(answer.body).toMatchObject({ created: true, callback_url: harness.receiver.url, api_key: MASKED_KEY, enabled: true, events: ["compliant", "non_compliant"] });
    expect(answer.body.signing_secret).toMatch(/^whsec_/);
    expect(answer.text).not.toContain(API_KEY);
    secrets.add(answer.body.signing_secret);

    const [entry] = await db.auditLog.findMany({ where: { accountId, action: "webhook.created" } });
    expect(entry!.actor).toMatch(/^api:test token/);
    expect(entry!.details).not.toContain(API_KEY);

    // The secret it answered is the one callbacks are signed with.
    const tested = await sendTest(token);
    expect(tested.body.ok).toBe(true);
    const request = harness.receiver.requests.at(-1)!;
    expect(request.headers.authorization).toBe(API_KEY);
    expect(verifySignature(answer.body.signing_secret, request)).toEqual(JSON.parse(request.body));
  });

  it("updates without api_key: keeps the stored key, answers created false and no secret; repeated events count once", async () => {
    const { token, accountId } = await configuredAccount(harness.receiver.url);
    const other = await startReceiver();
    try {
      const answer = await put(token, { callback_url: other.url, events: ["deleted", "installed", "deleted"], enabled: true });
      expect(answer.status).toBe(200);
      expectDocumented("putWebhookSettings", answer);
      expect(answer.body).toMatchObject({ created: false, signing_secret: null, callback_url: other.url, api_key: MASKED_KEY, events: ["deleted", "installed"] });
      expect(await auditActions(accountId)).toEqual(["webhook.created", "webhook.updated"]);

      expect((await sendTest(token)).body.ok).toBe(true);
      expect(other.requests.at(-1)!.headers.authorization).toBe(API_KEY);

      // A new key replaces it; its last four characters show.
      const replaced = await put(token, { callback_url: other.url, api_key: "a-brand-new-key-9999", events: ["deleted"], enabled: true });
      expect(replaced.body.api_key).toBe("••••••••9999");
      secrets.add("a-brand-new-key-9999");
      await sendTest(token);
      expect(other.requests.at(-1)!.headers.authorization).toBe("a-brand-new-key-9999");
    } finally {
      await other.close();
    }
  });

  it("disables by hand with enabled false: no more pushes, the reason stays empty", async () => {
    const { token } = await configuredAccount(harness.receiver.url);
    const answer = await put(token, settingsBody(harness.receiver.url, { api_key: undefined, enabled: false }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ enabled: false, disabled_reason: null });
    const state = await read(token);
    expect(state.body).toMatchObject({ enabled: false, disabled_reason: null });
  });

  it("needs api_key when creating (422 at /api_key) and stores nothing", async () => {
    const { token, accountId } = await apiAccount();
    const answer = await put(token, settingsBody(harness.receiver.url, { api_key: undefined }));
    expect(answer.status).toBe(422);
    expectDocumented("putWebhookSettings", answer);
    expect(answer.body.errors).toEqual([{ pointer: "/api_key", detail: "Enter the API key the receiver expects." }]);
    expect(await webhookRow(accountId)).toBeNull();
    expect(await auditActions(accountId)).toEqual([]);
  });

  const refusedUrls: [string, RegExp][] = [
    ["http://169.254.169.254/latest/meta-data/", /cloud metadata address/],
    ["http://[fe80::1]:8080/hooks", /link-local address/],
    ["https://vendor:hunter2@hooks.example.com/compliance", /must not contain a user name or password/],
    ["ftp://hooks.example.com/compliance", /"ftp:" URLs are not allowed/],
    ["not a url", /not a valid absolute URL/],
  ];
  for (const [callbackUrl, reason] of refusedUrls) {
    it(`refuses the callback URL ${callbackUrl} with 422 at /callback_url; nothing stored, the API key not echoed`, async () => {
      const { token, accountId } = await apiAccount();
      const answer = await put(token, settingsBody(callbackUrl));
      expect(answer.status).toBe(422);
      expectDocumented("putWebhookSettings", answer);
      expect(answer.body.code).toBe("validation_failed");
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors[0].pointer).toBe("/callback_url");
      expect(answer.body.errors[0].detail).toMatch(reason);
      expect(answer.text).not.toContain("hunter2");
      expectNoSecrets(answer);
      expect(await webhookRow(accountId)).toBeNull();
      expect(await auditActions(accountId)).toEqual([]);
    });
  }

  it("points at every bad field (422): unknown fields, empty or unknown events, wrong types, an empty api_key", async () => {
    const { token, accountId } = await apiAccount();
    const answer = await put(token, { callback_url: 42, api_key: "", events: [], enabled: "yes", colour: "red" });
    expect(answer.status).toBe(422);
    expectDocumented("putWebhookSettings", answer);
    const pointers = answer.body.errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/callback_url", "/api_key", "/events", "/enabled", "/colour"]));
    expect(answer.body.errors.find((error: { pointer: string }) => error.pointer === "/events").detail).toBe("Choose at least one event.");
    expect(answer.body.errors.find((error: { pointer: string }) => error.pointer === "/api_key").detail).toMatch(/Omit api_key to keep the stored key/);

    const unknownStatus = await put(token, settingsBody(harness.receiver.url, { events: ["compliant", "exploded"] }));
    expect(unknownStatus.status).toBe(422);
    expect(unknownStatus.body.errors[0].pointer).toBe("/events/1");

    const malformed = await put(token, '{"callback_url": ');
    expect(malformed.status).toBe(400);
    expectDocumented("putWebhookSettings", malformed);
    const form = await callApi(putRoute, { method: "PUT", path: "/integrations/webhook", token, body: "callback_url=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
    expectDocumented("putWebhookSettings", form);
    expect(await webhookRow(accountId)).toBeNull();
  });

  it("on the standard plan: enabling is 403 plan_required and stores nothing; saving it disabled works", async () => {
    const { token, accountId } = await apiAccount({ plan: "standard" });
    const refused = await put(token, settingsBody(harness.receiver.url));
    expect(refused.status).toBe(403);
    expectDocumented("putWebhookSettings", refused);
    expect(refused.body).toMatchObject({ code: "plan_required" });
    expectNoSecrets(refused);
    expect(await webhookRow(accountId)).toBeNull();

    const saved = await put(token, settingsBody(harness.receiver.url, { enabled: false }));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ created: true, enabled: false });
    secrets.add(saved.body.signing_secret);
  });

  it("needs the webhook:write scope (403, nothing stored); another account's token changes only its own account", async () => {
    const readOnly = await apiAccount({ scopes: ["webhook:read"] });
    const refused = await put(readOnly.token, settingsBody(harness.receiver.url));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "insufficient_scope" });
    expect(refused.body.detail).toContain("webhook:write");
    expectDocumented("putWebhookSettings", refused);
    expect(await webhookRow(readOnly.accountId)).toBeNull();

    const first = await configuredAccount(harness.receiver.url);
    const second = await apiAccount();
    const answer = await put(second.token, settingsBody("https://hooks.example.com/other"));
    expect(answer.body.created).toBe(true);
    secrets.add(answer.body.signing_secret);
    expect((await webhookRow(first.accountId))!.callbackUrl).toBe(harness.receiver.url);
    expect((await read(first.token)).body.callback_url).toBe(harness.receiver.url);
  });
});

describe("POST /integrations/webhook/test", () => {
  it("sends a signed sample to the saved URL and reports the receiver's answer", async () => {
    const { token, signingSecret } = await configuredAccount(harness.receiver.url);
    harness.receiver.respondWith(200, { body: "thanks" });
    const answer = await sendTest(token);
    expect(answer.status).toBe(200);
    expectDocumented("testWebhook", answer);
    expect(answer.body).toEqual({ ok: true, status: 200, duration_ms: expect.any(Number), error: null, error_class: null, response_body: "thanks", webhook_id: expect.stringMatching(/^msg_/) });
    const [request] = harness.receiver.requests;
    expect(request!.headers["webhook-id"]).toBe(answer.body.webhook_id);
    expect(request!.headers.authorization).toBe(API_KEY);
    expect(verifySignature(signingSecret, request!)).toEqual([{ device_id: "TEST-DEVICE-0000", status: "compliant", timestamp: expect.any(Number) }]);
    // Logged as a test push under that id.
    expect(await db.push.findUnique({ where: { id: answer.body.webhook_id } })).toMatchObject({ kind: "test", state: "succeeded" });
  });

  it("a failing receiver is a 200 with ok false and what went wrong, not an API error", async () => {
    const { token, accountId } = await configuredAccount(harness.receiver.url);
    harness.receiver.respondWith(500, { body: "vendor is down" });
    const failed = await sendTest(token);
    expect(failed.status).toBe(200);
    expectDocumented("testWebhook", failed);
    expect(failed.body).toMatchObject({ ok: false, status: 500, error: "The receiver answered 500.", error_class: "http_status", response_body: "vendor is down" });
    expectNoSecrets(failed);

    const closed = await startReceiver();
    await closed.close();
    await put(token, { callback_url: closed.url, events: ["compliant"], enabled: true });
    const refused = await sendTest(token);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ ok: false, status: null, error_class: "connection_refused" });
    // Tests never count towards the automatic disable.
    expect(await webhookRow(accountId)).toMatchObject({ consecutiveFailures: 0, enabled: true });
  });

  it("answers 409 when not configured or when the saved URL is refused now; 403 on the standard plan or without webhook:write; nothing sent", async () => {
    const unconfigured = await apiAccount();
    const notConfigured = await sendTest(unconfigured.token);
    expect(notConfigured.status).toBe(409);
    expect(notConfigured.body.code).toBe("webhook_not_configured");
    expectDocumented("testWebhook", notConfigured);

    const configured = await configuredAccount(harness.receiver.url);
    // Saved before the operator's policy refused it (link-local addresses are always refused).
    await db.webhookIntegration.update({ where: { accountId: configured.accountId }, data: { callbackUrl: "http://169.254.169.254/hooks" } });
    const refusedUrl = await sendTest(configured.token);
    expect(refusedUrl.status).toBe(409);
    expect(refusedUrl.body.code).toBe("callback_url_refused");
    expect(refusedUrl.body.detail).toMatch(/cloud metadata address/);
    expectDocumented("testWebhook", refusedUrl);
    expectNoSecrets(refusedUrl);

    const standard = await configuredAccount(harness.receiver.url, { plan: "standard" });
    const planRefused = await sendTest(standard.token);
    expect(planRefused.status).toBe(403);
    expect(planRefused.body.code).toBe("plan_required");
    expectDocumented("testWebhook", planRefused);

    const readOnly = await apiAccount({ scopes: ["webhook:read"] });
    const scopeRefused = await sendTest(readOnly.token);
    expect(scopeRefused.status).toBe(403);
    expect(scopeRefused.body.code).toBe("insufficient_scope");

    expect(harness.receiver.requests).toHaveLength(0);
    expect(await db.push.count({ where: { accountId: { in: [unconfigured.accountId, configured.accountId, standard.accountId] } } })).toBe(0);
  });
});

describe("POST /integrations/webhook/enable", () => {
  it("re-enables after an automatic disable and delivers what was held when asked", async () => {
    const { token, accountId } = await configuredAccount(harness.receiver.url);
    harness.receiver.respondWith(500);
    harness.start({ retryDelaysMs: [], maxBatch: 1, disableAfterFailures: 1 });
    await createDevice(accountId, { deviceId: "ENABLE-1", name: "Laptop", platform: "Linux" }, "test");
    await changeDeviceStatus(accountId, "ENABLE-1", "compliant", "test");
    await eventually(() => webhookRow(accountId), (row) => row?.enabled === false, 10_000, "automatic disable");

    const disabled = await read(token);
    expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: "Disabled automatically after 1 consecutive failed pushes.", consecutive_failures: 1 });
    expect(disabled.body.disabled_at).toEqual(expect.any(String));

    // A change while disabled is held, not sent.
    await changeDeviceStatus(accountId, "ENABLE-1", "non_compliant", "test");
    await eventually(() => db.notification.count({ where: { accountId, state: "held" } }), (held) => held >= 1, 10_000, "held notifications");
    const held = await db.notification.count({ where: { accountId, state: "held" } });

    harness.receiver.respondWith(200);
    const sentBefore = harness.receiver.requests.length;
    const answer = await enable(token, { deliver_held: true });
    expect(answer.status).toBe(200);
    expectDocumented("enableWebhook", answer);
    expect(answer.body.webhook).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null, consecutive_failures: 0 });
    expect(answer.body.released_notifications + answer.body.redelivered_pushes).toBeGreaterThanOrEqual(1);
    expect(answer.body.released_notifications).toBeLessThanOrEqual(held);
    expectNoSecrets(answer);

    const [request] = (await harness.receiver.waitForRequests(sentBefore + 1, 10_000)).slice(sentBefore);
    expect(JSON.parse(request!.body)).toEqual([expect.objectContaining({ device_id: "ENABLE-1", status: "non_compliant" })]);
    await eventually(() => db.notification.count({ where: { accountId, state: "held" } }), (count) => count === 0, 10_000, "nothing held");
    expect(await auditActions(accountId)).toEqual(["webhook.created", "webhook.auto_disabled", "webhook.enabled"]);
  });

  it("with no body only re-enables: held notifications stay held", async () => {
    const { token, accountId } = await configuredAccount(harness.receiver.url);
    // As the automatic disable leaves it (the dispatcher path is covered above).
    await db.webhookIntegration.update({ where: { accountId }, data: { enabled: false, disabledReason: "Disabled automatically after 100 consecutive failed pushes.", disabledAt: new Date(), consecutiveFailures: 100 } });
    await createDevice(accountId, { deviceId: "ENABLE-2", name: "Laptop", platform: "Linux" }, "test");
    await changeDeviceStatus(accountId, "ENABLE-2", "compliant", "test");
    expect(await db.notification.count({ where: { accountId, state: "held" } })).toBe(1);

    const answer = await callApi(enableRoute, { method: "POST", path: "/integrations/webhook/enable", token });
    expect(answer.status).toBe(200);
    expectDocumented("enableWebhook", answer);
    expect(answer.body).toMatchObject({ webhook: { enabled: true, consecutive_failures: 0, disabled_reason: null }, released_notifications: 0, redelivered_pushes: 0 });
    expect(await db.notification.count({ where: { accountId, state: "held" } })).toBe(1);
  });

  it("refuses: 409 not configured, 403 standard plan or missing scope, 422 bad body, 415 a form body; nothing changes", async () => {
    const unconfigured = await apiAccount();
    const notConfigured = await enable(unconfigured.token);
    expect(notConfigured.status).toBe(409);
    expect(notConfigured.body.code).toBe("webhook_not_configured");
    expectDocumented("enableWebhook", notConfigured);
    expect(await webhookRow(unconfigured.accountId)).toBeNull();

    const standard = await configuredAccount(harness.receiver.url, { plan: "standard" });
    const planRefused = await enable(standard.token, { deliver_held: true });
    expect(planRefused.status).toBe(403);
    expect(planRefused.body.code).toBe("plan_required");
    expectDocumented("enableWebhook", planRefused);
    expect((await webhookRow(standard.accountId))!.enabled).toBe(false);

    const configured = await configuredAccount(harness.receiver.url);
    await put(configured.token, { callback_url: harness.receiver.url, events: ["compliant"], enabled: false });
    const badBody = await enable(configured.token, { deliver_held: "yes", extra: 1 });
    expect(badBody.status).toBe(422);
    expectDocumented("enableWebhook", badBody);
    expect(badBody.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual(expect.arrayContaining(["/deliver_held", "/extra"]));
    const noJson = await callApi(enableRoute, { method: "POST", path: "/integrations/webhook/enable", token: configured.token, body: "deliver_held=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(noJson.status).toBe(415);
    expectDocumented("enableWebhook", noJson);
    const readOnly = await apiAccount({ scopes: ["webhook:read"] });
    const scopeRefused = await enable(readOnly.token);
    expect(scopeRefused.status).toBe(403);
    expect(scopeRefused.body.code).toBe("insufficient_scope");
    expect((await webhookRow(configured.accountId))!.enabled).toBe(false);
    expect(await auditActions(configured.accountId)).toEqual(["webhook.created", "webhook.updated"]);
  });
});

describe("POST /integrations/webhook/rotate-secret", () => {
  it("answers the new secret once and how long the previous one stays valid; callbacks carry both signatures", async () => {
    const { token, accountId, signingSecret } = await configuredAccount(harness.receiver.url);
    const before = Date.now();
    const answer = await rotate(token);
    expect(answer.status).toBe(200);
    expectDocumented("rotateSigningSecret", answer);
    const { signing_secret: rotated, previous_secret_valid_until: validUntil } = answer.body;
    secrets.add(rotated);
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(signingSecret);
    const graceMs = Date.parse(validUntil) - before;
    expect(graceMs).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(graceMs).toBeLessThan(24 * 3600_000 + 60_000);

    const state = await read(token);
    expect(state.body.previous_secret_valid_until).toBe(validUntil);
    expectNoSecrets(state);

    await sendTest(token);
    const request = harness.receiver.requests.at(-1)!;
    expect(String(request.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifySignature(rotated, request)).toBeTruthy();
    expect(verifySignature(signingSecret, request)).toBeTruthy();
    expect(await auditActions(accountId)).toEqual(["webhook.created", "webhook.secret_rotated"]);
  });

  it("answers 409 when not configured and 403 without webhook:write; nothing is rotated", async () => {
    const unconfigured = await apiAccount();
    const answer = await rotate(unconfigured.token);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe("webhook_not_configured");
    expectDocumented("rotateSigningSecret", answer);

    const configured = await configuredAccount(harness.receiver.url, { scopes: ["webhook:write"] });
    const readOnly = await apiAccount({ scopes: ["webhook:read", "logs:read"] });
    const before = await webhookRow(configured.accountId);
    const refused = await rotate(readOnly.token);
    expect(refused.status).toBe(403);
    expectDocumented("rotateSigningSecret", refused);
    expect(await webhookRow(configured.accountId)).toEqual(before);
    expect(await webhookRow(readOnly.accountId)).toBeNull();
  });
});

describe("secrets", () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await configuredAccount(harness.receiver.url));
    await rotate(token).then((answer) => secrets.add(answer.body.signing_secret));
  });

  it("never appear in a read or a problem of any kind", async () => {
    const answers = [
      await read(token),
      await put(token, settingsBody("http://169.254.169.254/")),
      await put(token, { ...settingsBody(harness.receiver.url), extra: API_KEY }),
      await enable(token, { deliver_held: 1 }),
      await callApi(getRoute, { path: "/integrations/webhook", token: `${token}x` }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 422, 422, 422, 401]);
    for (const answer of answers) expectNoSecrets(answer);
    expect(secrets.size).toBeGreaterThan(5);
  });
});
