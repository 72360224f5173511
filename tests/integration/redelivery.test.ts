import { describe, expect, it } from "vitest";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { deleteExpiredLogs } from "@/lib/webhooks/retention";
import { getPush } from "@/lib/webhooks/event-log";
import { formPushes, PushNotFoundError, PushNotRedeliverableError, redeliverPush, redeliverSince } from "@/lib/webhooks/pushes";
import { saveWebhookSettings, setWebhookEnabled } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { eventually } from "../support/receiver";
import { API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

// One attempt per push, one notification per push.
const ONE_ATTEMPT = { retryDelaysMs: [], maxBatch: 1 };

let sequence = 0;
// Like the fixtures' accountWithWebhook, without a user (no password hashing: keeps the file fast).
async function accountWithWebhook(callbackUrl: string) {
  const account = { id: (await db.account.create({ data: { name: `Redelivery ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id, plan: "enterprise" };
  await saveWebhookSettings(account, { callbackUrl, apiKey: API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "owner@test");
  return { account, accountId: account.id };
}

const pushOf = async (accountId: string, deviceId: string) =>
  (await findPush(accountId, deviceId))!;
const findPush = (accountId: string, deviceId: string) =>
  db.push.findFirst({ where: { accountId, items: { some: { deviceId } } }, orderBy: { id: "asc" }, include: { items: true, attempts: true } });

const settled = (accountId: string, deviceId: string, states: string[], label = `${deviceId} settled`) =>
  eventually(() => findPush(accountId, deviceId), (push) => push !== null && states.includes(push.state), 5000, label).then((push) => push!);

const DAY_MS = 24 * 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("redelivering one push", () => {
  it("sends the same body again as a new push with a new webhook-id, linked to the original; its notifications end delivered", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    harness.receiver.respondWith(500);
    harness.start(ONE_ATTEMPT);
    await createDevice(accountId, { deviceId: "REDELIVER-1", name: "Laptop", platform: "Linux" }, "api");
    const original = await settled(accountId, "REDELIVER-1", ["failed"]);
    expect(original.attempts).toHaveLength(1);
    expect(await db.notification.findFirst({ where: { accountId } })).toMatchObject({ state: "failed" });

    harness.receiver.respondWith(200);
    const newId = await redeliverPush(accountId, original.id, "owner@test");
    expect(newId).toMatch(/^msg_/);
    expect(newId).not.toBe(original.id);
    const copy = await db.push.findUniqueOrThrow({ where: { id: newId }, include: { items: true } });
    expect(copy).toMatchObject({ accountId, kind: "redelivery", redeliveryOfId: original.id, body: original.body, itemCount: 1 });
    expect(copy.items.map((item) => item.notificationId)).toEqual(original.items.map((item) => item.notificationId));
    // Who asked for it is in the admin log.
    expect(await db.auditLog.findFirst({ where: { accountId, action: "push.redelivered" } })).toMatchObject({ actor: "owner@test", target: `push:${original.id}` });

    // Sent promptly (the dispatcher is woken, not left to its safety sweep).
    const [first, second] = await harness.receiver.waitForRequests(2, 5000);
    expect(first!.headers["webhook-id"]).toBe(original.id);
    expect(second!.headers["webhook-id"]).toBe(newId);
    expect(second!.body).toBe(first!.body);
    expect(second!.headers.authorization).toBe(API_KEY);

    await eventually(() => db.push.findUniqueOrThrow({ where: { id: newId } }), (push) => push.state === "succeeded", 5000, "redelivery succeeded");
    expect(await db.notification.findFirst({ where: { accountId } })).toMatchObject({ state: "delivered", pushId: newId });
    // The original stays in the log as failed, and points at its redelivery.
    const shown = await getPush(accountId, original.id);
    expect(shown).toMatchObject({ state: "failed" });
    expect(shown!.redeliveries).toMatchObject([{ id: newId, state: "succeeded" }]);
    expect(await db.webhookIntegration.findUniqueOrThrow({ where: { accountId } })).toMatchObject({ consecutiveFailures: 0 });
  });

  it("a push of another account is not found (and nothing is created)", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    const { accountId: otherAccount } = await accountWithWebhook(harness.receiver.url);
    harness.receiver.respondWith(500);
    harness.start(ONE_ATTEMPT);
    await createDevice(accountId, { deviceId: "MINE-1", name: "Laptop", platform: "Linux" }, "api");
    const push = await settled(accountId, "MINE-1", ["failed"]);
    await expect(redeliverPush(otherAccount, push.id, "owner@test")).rejects.toBeInstanceOf(PushNotFoundError);
    await expect(redeliverPush(accountId, "msg_DOESNOTEXIST0000000000000000", "owner@test")).rejects.toBeInstanceOf(PushNotFoundError);
    expect(await db.push.count({ where: { OR: [{ accountId: otherAccount }, { redeliveryOfId: push.id }] } })).toBe(0);
  });

  it("a push still open, or a test push, is not redelivered", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    // No dispatcher: the push is formed and waits, queued.
    await createDevice(accountId, { deviceId: "OPEN-1", name: "Laptop", platform: "Linux" }, "api");
    await formPushes({ maxBatch: 10 });
    const open = await pushOf(accountId, "OPEN-1");
    expect(open.state).toBe("queued");
    const error = await redeliverPush(accountId, open.id, "owner@test").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PushNotRedeliverableError);
    expect((error as Error).message).toMatch(/still being delivered/);

    const test = await sendTestPush(accountId);
    await expect(redeliverPush(accountId, test.pushId, "owner@test")).rejects.toBeInstanceOf(PushNotRedeliverableError);
    expect(await db.push.count({ where: { accountId, kind: "redelivery" } })).toBe(0);
  });
});

describe("redelivering everything since a time", () => {
  it("redelivers each held or failed push since then exactly once, and nothing older", async () => {
    const { account, accountId } = await accountWithWebhook(harness.receiver.url);
    harness.receiver.respondWith(500);
    harness.start(ONE_ATTEMPT);
    await createDevice(accountId, { deviceId: "BEFORE-1", name: "Laptop", platform: "Linux" }, "api");
    await settled(accountId, "BEFORE-1", ["failed"]);

    await sleep(20);
    const since = new Date();
    await sleep(20);
    for (const deviceId of ["FAILED-1", "FAILED-2"]) await createDevice(accountId, { deviceId, name: "Phone", platform: "iOS" }, "api");
    await settled(accountId, "FAILED-1", ["failed"]);
    await settled(accountId, "FAILED-2", ["failed"]);
    harness.receiver.respondWith(200);
    await createDevice(accountId, { deviceId: "DELIVERED-1", name: "Phone", platform: "iOS" }, "api");
    await settled(accountId, "DELIVERED-1", ["succeeded"]);

    // A held push: formed while the dispatcher is stopped, then the integration is switched off.
    await harness.dispatcher!.stop();
    await createDevice(accountId, { deviceId: "HELD-1", name: "Tablet", platform: "Android" }, "api");
    await formPushes({ maxBatch: 1 });
    await setWebhookEnabled(account, false, "owner@test");
    harness.start(ONE_ATTEMPT);
    await settled(accountId, "HELD-1", ["held"]);
    await setWebhookEnabled(account, true, "owner@test");
    // A failed test push since then is never redelivered.
    harness.receiver.respondWith(500);
    expect(await sendTestPush(accountId)).toMatchObject({ ok: false });
    harness.receiver.respondWith(200);

    const sentBefore = harness.receiver.requests.length;
    const byDevice = new Map<string, { id: string; body: string }>();
    for (const deviceId of ["FAILED-1", "FAILED-2", "HELD-1"]) byDevice.set(deviceId, await pushOf(accountId, deviceId));

    expect(await redeliverSince(accountId, since, "owner@test")).toBe(3);
    expect(await redeliverSince(accountId, since, "owner@test")).toBe(0);

    const requests = (await harness.receiver.waitForRequests(sentBefore + 3, 5000)).slice(sentBefore);
    await sleep(200);
    expect(harness.receiver.requests).toHaveLength(sentBefore + 3);
    const redeliveries = await db.push.findMany({ where: { accountId, kind: "redelivery" } });
    expect(redeliveries).toHaveLength(3);
    expect(redeliveries.map((push) => push.redeliveryOfId).sort()).toEqual([...byDevice.values()].map((push) => push.id).sort());
    for (const push of redeliveries) {
      const original = [...byDevice.values()].find((candidate) => candidate.id === push.redeliveryOfId)!;
      expect(push.body).toBe(original.body);
      const request = requests.find((candidate) => candidate.headers["webhook-id"] === push.id);
      expect(request?.body).toBe(original.body);
    }
    await eventually(
      () => db.notification.findMany({ where: { accountId }, orderBy: { deviceId: "asc" } }),
      (notifications) => notifications.filter((n) => n.state === "delivered").length === 4,
      5000,
      "redelivered notifications delivered",
    );
    expect(await db.notification.findFirst({ where: { accountId, deviceId: "BEFORE-1" } })).toMatchObject({ state: "failed" });

    // Once the redeliveries have settled, asking again still sends nothing new.
    expect(await redeliverSince(accountId, since, "owner@test")).toBe(0);
    await sleep(100);
    expect(harness.receiver.requests).toHaveLength(sentBefore + 3);
  });
});

describe("redelivery after the log retention", () => {
  it("does not send again what a redelivery already delivered, once retention has deleted that redelivery", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    const since = new Date(Date.now() - 1000);
    harness.receiver.respondWith(500);
    harness.start(ONE_ATTEMPT);
    await createDevice(accountId, { deviceId: "RETAINED-1", name: "Laptop", platform: "Linux" }, "api");
    const original = await settled(accountId, "RETAINED-1", ["failed"]);
    harness.receiver.respondWith(200);
    const copyId = await redeliverPush(accountId, original.id, "owner@test");
    await eventually(() => db.push.findUniqueOrThrow({ where: { id: copyId } }), (push) => push.state === "succeeded", 5000, "redelivery succeeded");
    expect(await db.notification.findFirst({ where: { accountId } })).toMatchObject({ state: "delivered" });

    // 40 days later the succeeded redelivery is gone; the failed original stays, with its devices.
    await deleteExpiredLogs(30, new Date(Date.now() + 40 * DAY_MS));
    expect(await db.push.findMany({ where: { accountId }, select: { id: true } })).toEqual([{ id: original.id }]);
    expect(await db.pushItem.findMany({ where: { pushId: original.id }, select: { deviceId: true } })).toEqual([{ deviceId: "RETAINED-1" }]);

    const sent = harness.receiver.requests.length;
    expect(await redeliverSince(accountId, since, "owner@test")).toBe(0);
    await sleep(200);
    expect(harness.receiver.requests).toHaveLength(sent);
    expect(await db.push.count({ where: { accountId } })).toBe(1);
  });
});
