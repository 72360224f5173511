// /api/v1/logs as a vendor's script meets it: real pushes to a real receiver, listed newest first with
// the console's filters and cursor pages, read with their attempts (secrets redacted, bodies truncated),
// redelivered; the device and admin logs.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as adminLogRoute } from "@/app/api/v1/logs/admin/route";
import { GET as deviceLogRoute } from "@/app/api/v1/logs/devices/route";
import { GET as pushRoute } from "@/app/api/v1/logs/webhook/[push_id]/route";
import { POST as redeliverRoute } from "@/app/api/v1/logs/webhook/[push_id]/redeliver/route";
import { GET as webhookLogRoute } from "@/app/api/v1/logs/webhook/route";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { formPushes } from "@/lib/webhooks/pushes";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { apiAccount, callApi, expectDocumented, type ApiAnswer } from "../support/api";
import { eventually, type ReceivedRequest } from "../support/receiver";
import { API_KEY, testDispatcher, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

const ONE_ATTEMPT = { retryDelaysMs: [], maxBatch: 1 };
// A character that begins no secret: an answer cut at the 4 KiB the log keeps loses an end that could be
// a secret's first characters (a signature is base64, so "r" was one in 64 runs).
const LONG_RESPONSE = ".".repeat(10_000);

const listPushes = (token: string, query = "") => callApi(webhookLogRoute, { path: `/logs/webhook${query}`, token });
const readPush = (token: string, pushId: string) => callApi(pushRoute, { path: `/logs/webhook/${pushId}`, token, params: { push_id: pushId } });
const redeliver = (token: string, pushId: string) => callApi(redeliverRoute, { method: "POST", path: `/logs/webhook/${pushId}/redeliver`, token, params: { push_id: pushId } });
const listDeviceLog = (token: string, query = "") => callApi(deviceLogRoute, { path: `/logs/devices${query}`, token });
const listAdminLog = (token: string, query = "") => callApi(adminLogRoute, { path: `/logs/admin${query}`, token });
const ids = (answer: ApiAnswer, field = "push_id") => answer.body.data.map((row: Record<string, string>) => row[field]);

// Account A: three settled pushes (oldest first: succeeded, failed, a failed test push); B: nothing.
let a: { accountId: string; token: string; signingSecret: string };
let b: { accountId: string; token: string };
let pushes: { ok: string; failed: string; test: string };
// What the receiver got for the first two (the harness forgets requests after each test).
let received: { ok: ReceivedRequest; failed: ReceivedRequest };

function expectNoSecrets(answer: ApiAnswer) {
  expect(answer.text).not.toContain(API_KEY);
  expect(answer.text).not.toContain(a.signingSecret);
  expect(answer.text).not.toContain(a.signingSecret.slice("whsec_".length));
}

const settledPush = (deviceId: string, state: string) =>
  eventually(() => db.push.findFirst({ where: { accountId: a.accountId, items: { some: { deviceId } } } }), (push) => push?.state === state, 10_000, `${deviceId} ${state}`).then((push) => push!.id);

beforeAll(async () => {
  const account = await apiAccount();
  const { signingSecret } = await saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: harness.receiver.url, apiKey: API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "owner@logs.test");
  a = { ...account, signingSecret: signingSecret! };
  b = await apiAccount();
  const dispatcher = testDispatcher(ONE_ATTEMPT);
  try {
    harness.receiver.respondWith(200, { body: LONG_RESPONSE });
    await createDevice(a.accountId, { deviceId: "LOG-OK", name: "Laptop", platform: "macOS" }, "owner@logs.test");
    const ok = await settledPush("LOG-OK", "succeeded");
    harness.receiver.respondWith(500, { body: "vendor exploded" });
    await createDevice(a.accountId, { deviceId: "LOG-BAD", name: "Phone", platform: "iOS" }, "owner@logs.test");
    const failed = await settledPush("LOG-BAD", "failed");
    harness.receiver.respondWith(503);
    const test = (await sendTestPush(a.accountId)).pushId;
    pushes = { ok, failed, test };
    const sent = (pushId: string) => harness.receiver.requests.find((request) => request.headers["webhook-id"] === pushId)!;
    received = { ok: sent(ok), failed: sent(failed) };
  } finally {
    await dispatcher.stop();
  }
});

describe("GET /logs/webhook", () => {
  it("lists the account's pushes newest first, as documented, without secrets", async () => {
    const answer = await listPushes(a.token);
    expect(answer.status).toBe(200);
    expectDocumented("listWebhookLog", answer);
    expect(ids(answer)).toEqual([pushes.test, pushes.failed, pushes.ok]);
    expect(answer.body.next_cursor).toBeNull();
    const [test, failed, ok] = answer.body.data;
    expect(ok).toMatchObject({ kind: "delivery", result: "succeeded", redelivery_of: null, notification_count: 1, attempt_count: 1, last_http_status: 200, last_error_class: null, next_attempt_at: null });
    expect(ok.notifications).toEqual([{ device_id: "LOG-OK", status: "installed", timestamp: expect.any(Number) }]);
    expect(Date.parse(ok.completed_at)).toBeGreaterThanOrEqual(Date.parse(ok.created_at));
    expect(failed).toMatchObject({ kind: "delivery", result: "failed", last_http_status: 500, last_error_class: "http_status" });
    expect(test).toMatchObject({ kind: "test", result: "failed", last_http_status: 503, notifications: [{ device_id: "TEST-DEVICE-0000", status: "compliant", timestamp: expect.any(Number) }] });
    expectNoSecrets(answer);

    // Another account's token lists only its own (none).
    const other = await listPushes(b.token);
    expect(other.body).toEqual({ data: [], next_cursor: null });
  });

  it("filters like the console: result, HTTP status (code, class, none), device id, time range", async () => {
    const created = async (pushId: string) => (await db.push.findUniqueOrThrow({ where: { id: pushId } })).createdAt.toISOString();
    const cases: [string, string[]][] = [
      ["?result=failed", [pushes.test, pushes.failed]],
      ["?result=succeeded", [pushes.ok]],
      ["?result=held", []],
      ["?http_status=5xx", [pushes.test, pushes.failed]],
      ["?http_status=500", [pushes.failed]],
      ["?http_status=2xx", [pushes.ok]],
      ["?http_status=none", []],
      ["?device_id=LOG-OK", [pushes.ok]],
      ["?device_id=LOG-BAD&result=failed", [pushes.failed]],
      [`?from=${encodeURIComponent(await created(pushes.failed))}`, [pushes.test, pushes.failed]],
      [`?to=${encodeURIComponent(await created(pushes.failed))}`, [pushes.failed, pushes.ok]],
      // Any offset is understood.
      [`?to=${encodeURIComponent(new Date(Date.parse(await created(pushes.ok)) - 1).toISOString().replace("Z", "+00:00"))}`, []],
    ];
    for (const [query, expected] of cases) {
      const answer = await listPushes(a.token, query);
      expect(answer.status, query).toBe(200);
      expect(ids(answer), query).toEqual(expected);
    }
  });

  it("refuses bad filters with 400 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["?result=exploded", "result"],
      ["?http_status=6xx", "http_status"],
      ["?http_status=abc", "http_status"],
      ["?from=yesterday", "from"],
      ["?from=2026-11-29T10:00", "from"],
      ["?to=2026-02-30T10:00:00Z", "to"],
      ["?from=2026-11-29T10:00:00Z&to=2026-11-29T09:00:00Z", "to"],
      ["?device_id=", "device_id"],
      ["?limit=500", "limit"],
      ["?status=failed", "status"],
      ["?cursor=bm90LWEtY3Vyc29y", "cursor"],
    ];
    for (const [query, parameter] of cases) {
      const answer = await listPushes(a.token, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors.map((error: { parameter: string }) => error.parameter), query).toContain(parameter);
      expectDocumented("listWebhookLog", answer);
    }
  });

  it("pages with a cursor, newest first, keeping the filter; a cursor of another log is refused", async () => {
    const first = await listPushes(a.token, "?limit=1");
    expect(ids(first)).toEqual([pushes.test]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await listPushes(a.token, `?limit=1&cursor=${first.body.next_cursor}`);
    expect(ids(second)).toEqual([pushes.failed]);
    const third = await listPushes(a.token, `?limit=1&cursor=${second.body.next_cursor}`);
    expect(ids(third)).toEqual([pushes.ok]);
    expect(third.body.next_cursor).toBeNull();

    const filtered = await listPushes(a.token, "?limit=1&result=failed");
    const rest = await listPushes(a.token, `?limit=1&result=failed&cursor=${filtered.body.next_cursor}`);
    expect([...ids(filtered), ...ids(rest)]).toEqual([pushes.test, pushes.failed]);

    const deviceCursor = (await listDeviceLog(a.token, "?limit=1")).body.next_cursor;
    const foreign = await listPushes(a.token, `?cursor=${deviceCursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe("invalid_cursor");
  });

  it("needs the logs:read scope", async () => {
    const writer = await apiAccount({ scopes: ["webhook:read", "webhook:write", "devices:read"] });
    const answer = await listPushes(writer.token);
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain("logs:read");
    expectDocumented("listWebhookLog", answer);
  });
});

describe("GET /logs/webhook/{push_id}", () => {
  it("shows the push with every attempt: headers as stored (secrets redacted), the response body truncated", async () => {
    const answer = await readPush(a.token, pushes.ok);
    expect(answer.status).toBe(200);
    expectDocumented("getWebhookPush", answer);
    expect(answer.body).toMatchObject({ push_id: pushes.ok, kind: "delivery", result: "succeeded", request_body: received.ok.body, redeliveries: [] });
    expect(answer.body.notifications).toEqual(JSON.parse(received.ok.body));
    expect(answer.body.attempts).toHaveLength(1);
    const [attempt] = answer.body.attempts;
    expect(attempt).toMatchObject({ number: 1, url: harness.receiver.url, succeeded: true, http_status: 200, error_class: null, error_message: null });
    expect(attempt.request_headers).toMatchObject({
      authorization: "[redacted]",
      "webhook-signature": "[redacted]",
      "webhook-id": pushes.ok,
      "webhook-timestamp": received.ok.headers["webhook-timestamp"],
      "content-type": "application/json",
    });
    expect(attempt.response_body).toBe(LONG_RESPONSE.slice(0, 4096));
    expectNoSecrets(answer);
    expect(answer.text).not.toContain(String(received.ok.headers["webhook-signature"]).split(",")[1]);

    const failed = await readPush(a.token, pushes.failed);
    expect(failed.body.attempts[0]).toMatchObject({ succeeded: false, http_status: 500, error_class: "http_status", error_message: "The receiver answered 500.", response_body: "vendor exploded" });
  });

  it("answers 404 for an unknown id, a malformed id and another account's push", async () => {
    const unknown = `msg_${"0".repeat(26)}`;
    for (const [token, pushId] of [[a.token, unknown], [a.token, "not-a-push"], [b.token, pushes.ok]] as const) {
      const answer = await readPush(token, pushId);
      expect(answer.status, pushId).toBe(404);
      expectDocumented("getWebhookPush", answer);
      expect(answer.text).not.toContain("LOG-OK");
    }
  });
});

describe("POST /logs/webhook/{push_id}/redeliver", () => {
  it("queues a new push with a new webhook-id (202); the receiver gets the same body; the original links it", async () => {
    harness.start(ONE_ATTEMPT);
    const answer = await redeliver(a.token, pushes.failed);
    expect(answer.status).toBe(202);
    expectDocumented("redeliverWebhookPush", answer);
    expect(answer.body).toEqual({ push_id: expect.stringMatching(/^msg_/), redelivery_of: pushes.failed });
    expect(answer.body.push_id).not.toBe(pushes.failed);

    await eventually(async () => harness.receiver.requests.find((request) => request.headers["webhook-id"] === answer.body.push_id), Boolean, 10_000, "redelivery received");
    const copy = harness.receiver.requests.find((request) => request.headers["webhook-id"] === answer.body.push_id)!;
    expect(copy.body).toBe(received.failed.body);

    await eventually(() => db.push.findUnique({ where: { id: answer.body.push_id } }), (push) => push?.state === "succeeded", 10_000, "redelivery settled");
    const detail = await readPush(a.token, pushes.failed);
    expect(detail.body.redeliveries).toEqual([{ push_id: answer.body.push_id, result: "succeeded", created_at: expect.any(String) }]);
    const redelivery = await readPush(a.token, answer.body.push_id);
    expect(redelivery.body).toMatchObject({ kind: "redelivery", redelivery_of: pushes.failed, result: "succeeded" });
  });

  it("answers 409 for a test push and for a push still in progress; nothing is queued", async () => {
    const before = await db.push.count({ where: { accountId: a.accountId } });
    const test = await redeliver(a.token, pushes.test);
    expect(test.status).toBe(409);
    expect(test.body).toMatchObject({ code: "push_not_redeliverable" });
    expect(test.body.detail).toMatch(/Test pushes are not redelivered/);
    expectDocumented("redeliverWebhookPush", test);

    // No dispatcher runs: the push stays queued.
    await changeDeviceStatus(a.accountId, "LOG-BAD", "compliant", "owner@logs.test");
    await formPushes({ maxBatch: 1 });
    const queued = await db.push.findFirstOrThrow({ where: { accountId: a.accountId, state: "queued" } });
    const open = await redeliver(a.token, queued.id);
    expect(open.status).toBe(409);
    expect(open.body.detail).toMatch(/still being delivered/);
    expect(await db.push.count({ where: { accountId: a.accountId } })).toBe(before + 1);
  });

  it("answers 404 for another account's push or a malformed id, and 403 without webhook:write; nothing is queued", async () => {
    const before = await db.push.count();
    const foreign = await redeliver(b.token, pushes.failed);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe("push_not_found");
    expectDocumented("redeliverWebhookPush", foreign);
    const malformed = await redeliver(a.token, "msg_nope");
    expect(malformed.status).toBe(404);
    expectDocumented("redeliverWebhookPush", malformed);

    const reader = await apiAccount({ scopes: ["logs:read"] });
    const refused = await redeliver(reader.token, pushes.failed);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("webhook:write");
    expectDocumented("redeliverWebhookPush", refused);
    expect(await db.push.count()).toBe(before);
  });
});

describe("GET /logs/devices", () => {
  it("lists status changes newest first, filtered by device, in cursor pages; only the token's account", async () => {
    await changeDeviceStatus(a.accountId, "LOG-OK", "non_compliant", "owner@logs.test");
    const answer = await listDeviceLog(a.token);
    expect(answer.status).toBe(200);
    expectDocumented("listDeviceLog", answer);
    const rows = answer.body.data.map((row: Record<string, unknown>) => [row.device_id, row.previous_status, row.status]);
    expect(rows[0]).toEqual(["LOG-OK", "installed", "non_compliant"]);
    expect(rows).toContainEqual(["LOG-BAD", null, "installed"]);
    expect(answer.body.data[0]).toMatchObject({ id: expect.any(String), actor: "owner@logs.test", occurred_at: expect.any(String), notified: true });
    const times = answer.body.data.map((row: { occurred_at: string }) => Date.parse(row.occurred_at));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const one = await listDeviceLog(a.token, "?device_id=LOG-OK");
    expect(one.body.data.map((row: { status: string }) => row.status)).toEqual(["non_compliant", "installed"]);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiAnswer = await listDeviceLog(a.token, `?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.body.data).toHaveLength(1);
      pages.push(...ids(page, "id"));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(pages).toEqual(ids(answer, "id"));

    expect((await listDeviceLog(b.token)).body).toEqual({ data: [], next_cursor: null });
  });

  it("refuses a bad filter or cursor (400) and a token without logs:read (403)", async () => {
    const pushCursor = (await listPushes(a.token, "?limit=1")).body.next_cursor;
    for (const query of ["?device_id=", `?device_id=${"x".repeat(129)}`, `?cursor=${pushCursor}`, "?result=failed"]) {
      const answer = await listDeviceLog(a.token, query);
      expect(answer.status, query).toBe(400);
      expectDocumented("listDeviceLog", answer);
    }
    const writer = await apiAccount({ scopes: ["devices:read"] });
    const refused = await listDeviceLog(writer.token);
    expect(refused.status).toBe(403);
    expectDocumented("listDeviceLog", refused);
  });
});

describe("GET /logs/admin", () => {
  it("lists the audit log newest first with snake_case details and secrets masked; only the token's account", async () => {
    const answer = await listAdminLog(a.token);
    expect(answer.status).toBe(200);
    expectDocumented("listAdminLog", answer);
    // The redelivery asked for through the API earlier in this file is on record with the token as actor.
    expect(answer.body.data.map((entry: { action: string }) => entry.action)).toEqual(["push.redelivered", "webhook.created", "api_token.created", "user.created", "account.created"]);
    expect(answer.body.data[0].actor).toMatch(/^api:/);
    const created = answer.body.data[1];
    expect(created).toMatchObject({ id: expect.any(String), actor: "owner@logs.test", target: "webhook", created_at: expect.any(String) });
    expect(created.details).toEqual({
      before: null,
      after: { callback_url: harness.receiver.url, api_key: `••••••••${API_KEY.slice(-4)}`, events: DEVICE_STATUSES.join(","), enabled: true },
    });
    expect(answer.body.data[2].details).toMatchObject({ expires_at: null });
    expectNoSecrets(answer);

    const first = await listAdminLog(a.token, "?limit=3");
    const rest = await listAdminLog(a.token, `?limit=3&cursor=${first.body.next_cursor}`);
    expect([...ids(first, "id"), ...ids(rest, "id")]).toEqual(ids(answer, "id"));
    expect(rest.body.next_cursor).toBeNull();

    const other = await listAdminLog(b.token);
    expect(other.body.data.map((entry: { action: string }) => entry.action)).toEqual(["api_token.created", "user.created", "account.created"]);
    expect(other.text).not.toContain(harness.receiver.url);
  });

  it("refuses a foreign cursor or unknown parameter (400) and a token without logs:read (403)", async () => {
    for (const query of ["?cursor=eyJiZWZvcmUiOiJ4In0", "?device_id=LOG-OK"]) {
      const answer = await listAdminLog(a.token, query);
      expect(answer.status, query).toBe(400);
      expectDocumented("listAdminLog", answer);
    }
    const writer = await apiAccount({ scopes: ["webhook:write"] });
    const refused = await listAdminLog(writer.token);
    expect(refused.status).toBe(403);
    expectDocumented("listAdminLog", refused);
  });
});
