import { beforeAll, describe, expect, it } from "vitest";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { deleteExpiredLogs } from "@/lib/webhooks/retention";
import { getPush, listPushes, pushesCsvStream, pushFilterSchema, type PushFilter } from "@/lib/webhooks/event-log";
import { formPushes } from "@/lib/webhooks/pushes";
import { saveWebhookSettings, setWebhookEnabled } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { eventually } from "../support/receiver";
import { API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

const DAY_MS = 24 * 60 * 60 * 1000;
// One attempt per push, one device per push.
const SETTINGS = { retryDelaysMs: [], maxBatch: 1 };

let sequence = 0;
// Like the fixtures' accountWithWebhook, without a user (no password hashing: keeps the file fast).
async function accountWithWebhook(callbackUrl: string) {
  const account = { id: (await db.account.create({ data: { name: `Event log ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id, plan: "enterprise" };
  await saveWebhookSettings(account, { callbackUrl, apiKey: API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "owner@test");
  return account;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The receiver answers by device id: OK-* 200, GONE-* 404, ERR-* 500; DROP-* gets no HTTP answer
// (the connection is closed).
function answerByDevice() {
  harness.receiver.handle((request, response) => {
    const deviceId = (JSON.parse(request.body) as { device_id: string }[])[0]!.device_id;
    if (deviceId.startsWith("DROP-")) return void response.socket?.destroy();
    const status = deviceId.startsWith("OK-") ? 200 : deviceId.startsWith("GONE-") ? 404 : deviceId.startsWith("ERR-") ? 500 : 200;
    response.writeHead(status).end(`answer for ${deviceId}`);
  });
}

async function enroll(accountId: string, devices: Record<string, number>, batch: string) {
  const ids: string[] = [];
  for (const [prefix, count] of Object.entries(devices)) {
    for (let i = 1; i <= count; i++) ids.push(`${prefix}-${batch}${i}`);
  }
  for (const deviceId of ids) await createDevice(accountId, { deviceId, name: "Device", platform: "Linux" }, "api");
  return ids;
}

const settledCount = (accountId: string, count: number) =>
  eventually(() => db.push.count({ where: { accountId, state: { in: ["succeeded", "failed"] } } }), (settled) => settled === count, 15_000, `${count} settled pushes`);

// All pages of a listing, following nextCursor.
async function allPages(accountId: string, filter: PushFilter, limit: number) {
  const pages: { ids: string[]; nextCursor: string | null }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPushes(accountId, filter, cursor, limit);
    pages.push({ ids: page.pushes.map((push) => push.id), nextCursor: page.nextCursor });
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 50) throw new Error("pagination does not end");
  } while (cursor);
  return pages;
}

const BATCH_1 = { OK: 6, GONE: 4, ERR: 4, DROP: 2 };
const BATCH_2 = { OK: 6, GONE: 3, ERR: 3 };
const TOTAL = 16 + 12;

let accountId: string;
let otherAccountId: string;
let boundary: Date; // between the two batches
const devicesOfPush = new Map<string, string>(); // push id -> device id

beforeAll(async () => {
  accountId = (await accountWithWebhook(harness.receiver.url)).id;
  otherAccountId = (await accountWithWebhook(harness.receiver.url)).id;
  answerByDevice();
  const dispatcher = harness.start(SETTINGS);
  await enroll(accountId, BATCH_1, "A");
  await createDevice(otherAccountId, { deviceId: "OK-A1", name: "Same id, other account", platform: "Linux" }, "api");
  await settledCount(accountId, 16);
  await settledCount(otherAccountId, 1);
  await sleep(15);
  boundary = new Date();
  await sleep(15);
  await enroll(accountId, BATCH_2, "B");
  await settledCount(accountId, TOTAL);
  await dispatcher.stop();
  harness.dispatcher = undefined;
  for (const push of await db.push.findMany({ where: { accountId }, include: { items: true } })) devicesOfPush.set(push.id, push.items[0]!.deviceId);
}, 60_000);

const devicesOf = (ids: string[]) => ids.map((id) => devicesOfPush.get(id)!);
const prefixes = (ids: string[]) => [...new Set(devicesOf(ids).map((deviceId) => deviceId.split("-")[0]))].sort();

describe("Event Log > Webhook: listing", () => {
  it("lists the account's pushes newest first", async () => {
    const { pushes, nextCursor } = await listPushes(accountId, {});
    expect(pushes).toHaveLength(TOTAL);
    expect(nextCursor).toBeNull();
    expect(pushes.every((push) => push.accountId === accountId)).toBe(true);
    const ids = pushes.map((push) => push.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const times = pushes.map((push) => push.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The last device enrolled is on top; the first is at the bottom.
    expect(pushes[0]!.items).toEqual([{ deviceId: "ERR-B3", status: "installed" }]);
    expect(pushes.at(-1)!.items).toEqual([{ deviceId: "OK-A1", status: "installed" }]);
  });

  it("keyset pagination returns every push exactly once, in order, and ends with nextCursor null", async () => {
    const pages = await allPages(accountId, {}, 10);
    expect(pages.map((page) => page.ids.length)).toEqual([10, 10, 8]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages.slice(0, -1).every((page) => page.nextCursor === page.ids.at(-1))).toBe(true);
    const ids = pages.flatMap((page) => page.ids);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(ids).toEqual((await listPushes(accountId, {})).pushes.map((push) => push.id));

    // An exact multiple of the page size still ends with nextCursor null, not an empty page.
    const exact = await allPages(accountId, {}, 14);
    expect(exact.map((page) => page.ids.length)).toEqual([14, 14]);
    expect(exact.at(-1)!.nextCursor).toBeNull();
  });

  it("filters by result", async () => {
    const failed = await allPages(accountId, { result: "failed" }, 5);
    const failedIds = failed.flatMap((page) => page.ids);
    expect(failedIds).toHaveLength(4 + 4 + 2 + 3 + 3);
    expect(prefixes(failedIds)).toEqual(["DROP", "ERR", "GONE"]);
    const succeeded = (await listPushes(accountId, { result: "succeeded" })).pushes;
    expect(succeeded).toHaveLength(12);
    expect(succeeded.every((push) => push.state === "succeeded" && push.lastStatusCode === 200)).toBe(true);
    expect((await listPushes(accountId, { result: "held" })).pushes).toHaveLength(0);
  });

  it("filters by HTTP status: a class, an exact code, or none (no HTTP answer)", async () => {
    const ids = async (httpStatus: string) => (await allPages(accountId, { httpStatus }, 4)).flatMap((page) => page.ids);
    const fiveHundreds = await ids("5xx");
    expect(fiveHundreds).toHaveLength(7);
    expect(prefixes(fiveHundreds)).toEqual(["ERR"]);
    const notFound = await ids("404");
    expect(notFound).toHaveLength(7);
    expect(prefixes(notFound)).toEqual(["GONE"]);
    expect(await ids("4xx")).toEqual(notFound);
    expect(prefixes(await ids("2xx"))).toEqual(["OK"]);
    const none = await ids("none");
    expect(devicesOf(none).sort()).toEqual(["DROP-A1", "DROP-A2"]);
    const dropped = await getPush(accountId, none[0]!);
    expect(dropped).toMatchObject({ state: "failed", lastStatusCode: null, lastErrorClass: "connection_reset" });
    expect(await ids("503")).toEqual([]);
    // Combined with a result filter.
    expect(await allPages(accountId, { result: "succeeded", httpStatus: "5xx" }, 10)).toEqual([{ ids: [], nextCursor: null }]);
  });

  it("filters by device id, within the account only", async () => {
    const { pushes } = await listPushes(accountId, { deviceId: "GONE-B2" });
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ state: "failed", lastStatusCode: 404, items: [{ deviceId: "GONE-B2", status: "installed" }] });
    // The other account has a device with the same id; each account sees only its own push.
    const mine = await listPushes(accountId, { deviceId: "OK-A1" });
    const theirs = await listPushes(otherAccountId, { deviceId: "OK-A1" });
    expect(mine.pushes).toHaveLength(1);
    expect(theirs.pushes).toHaveLength(1);
    expect(mine.pushes[0]!.id).not.toBe(theirs.pushes[0]!.id);
    expect(theirs.pushes[0]!.accountId).toBe(otherAccountId);
    expect((await listPushes(accountId, { deviceId: "NO-SUCH-DEVICE" })).pushes).toEqual([]);
  });

  it("filters by a time range (from, to, or both)", async () => {
    const ids = async (filter: PushFilter) => (await allPages(accountId, filter, 7)).flatMap((page) => page.ids);
    const after = await ids({ from: boundary });
    expect(after).toHaveLength(12);
    expect(devicesOf(after).every((deviceId) => /-B\d$/.test(deviceId))).toBe(true);
    const before = await ids({ to: boundary });
    expect(before).toHaveLength(16);
    expect(devicesOf(before).every((deviceId) => /-A\d$/.test(deviceId))).toBe(true);
    expect(await ids({ from: new Date(boundary.getTime() - DAY_MS), to: new Date(boundary.getTime() + DAY_MS) })).toHaveLength(TOTAL);
    expect(await ids({ from: new Date(Date.now() + DAY_MS) })).toEqual([]);
    expect(await ids({ from: boundary, result: "failed", httpStatus: "5xx" })).toHaveLength(3);
  });

  it("validates filters from the query string", () => {
    expect(pushFilterSchema.parse({ httpStatus: "5xx", from: "2025-01-02T03:04:05Z" })).toEqual({ httpStatus: "5xx", from: new Date("2025-01-02T03:04:05Z") });
    for (const httpStatus of ["abc", "600", "6xx", "50", "xx"]) expect(pushFilterSchema.safeParse({ httpStatus }).success).toBe(false);
    expect(pushFilterSchema.safeParse({ result: "exploded" }).success).toBe(false);
    expect(pushFilterSchema.safeParse({ from: "not a date" }).success).toBe(false);
  });
});

describe("Event Log > Webhook: one push", () => {
  it("shows every attempt in order with secrets redacted; another account gets null", async () => {
    const account = await accountWithWebhook(harness.receiver.url);
    let call = 0;
    harness.receiver.handle((_request, response) => {
      const status = [500, 502][call++] ?? 200;
      response.writeHead(status).end(`answer ${call}`);
    });
    harness.start({ retryDelaysMs: [30, 30], maxBatch: 1 });
    await createDevice(account.id, { deviceId: "MULTI-1", name: "Laptop", platform: "Linux" }, "api");
    const settled = await eventually(() => db.push.findFirst({ where: { accountId: account.id } }), (push) => push?.state === "succeeded", 5000, "push succeeded");

    const push = await getPush(account.id, settled!.id);
    expect(push).toMatchObject({ id: settled!.id, state: "succeeded", attemptCount: 3, lastStatusCode: 200, items: [{ deviceId: "MULTI-1", status: "installed" }], redeliveries: [] });
    expect(push!.attempts.map((attempt) => [attempt.number, attempt.statusCode, attempt.responseBody])).toEqual([
      [1, 500, "answer 1"],
      [2, 502, "answer 2"],
      [3, 200, "answer 3"],
    ]);
    const started = push!.attempts.map((attempt) => attempt.startedAt.getTime());
    expect(started).toEqual([...started].sort((a, b) => a - b));
    for (const attempt of push!.attempts) {
      expect(attempt.url).toBe(harness.receiver.url);
      expect(attempt.requestHeaders).toMatchObject({
        authorization: "[redacted]",
        "webhook-signature": "[redacted]",
        "webhook-id": settled!.id,
        "content-type": "application/json",
        "webhook-timestamp": expect.stringMatching(/^\d{10}$/),
      });
    }
    expect(JSON.stringify(push)).not.toContain(API_KEY);
    expect(harness.receiver.requests.every((request) => request.headers.authorization === API_KEY)).toBe(true);

    expect(await getPush(accountId, settled!.id)).toBeNull();
    expect(await getPush(account.id, "msg_NOSUCHPUSH")).toBeNull();
  });
});

describe("retention", () => {
  it("deletes old succeeded and test pushes (and delivered notifications) but keeps failed and held ones", async () => {
    // A held push: formed while no dispatcher runs, then the integration is switched off.
    const holder = await accountWithWebhook(harness.receiver.url);
    await createDevice(holder.id, { deviceId: "HELD-1", name: "Laptop", platform: "Linux" }, "api");
    await formPushes({ maxBatch: 1 });
    await setWebhookEnabled(holder, false, "owner@test");
    harness.start(SETTINGS);
    await eventually(() => db.push.findFirst({ where: { accountId: holder.id } }), (push) => push?.state === "held", 5000, "held push");
    // Two test pushes, one failed and one succeeded.
    harness.receiver.respondWith(500);
    expect(await sendTestPush(accountId)).toMatchObject({ ok: false });
    harness.receiver.respondWith(200);
    expect(await sendTestPush(accountId)).toMatchObject({ ok: true });
    await harness.dispatcher!.stop();
    harness.dispatcher = undefined;

    const states = async (id: string) =>
      Object.fromEntries((await db.push.groupBy({ by: ["kind", "state"], where: { accountId: id }, _count: { _all: true } })).map((group) => [`${group.kind}/${group.state}`, group._count._all]));
    expect(await states(accountId)).toEqual({ "delivery/succeeded": 12, "delivery/failed": 16, "test/failed": 1, "test/succeeded": 1 });

    // Nothing is younger than the retention today.
    expect(await deleteExpiredLogs(30)).toEqual({ pushes: 0, notifications: 0 });

    // 30 days after the boundary: only what completed before it (the first batch) has expired.
    const firstCut = await deleteExpiredLogs(30, new Date(boundary.getTime() + 30 * DAY_MS));
    expect(firstCut).toEqual({ pushes: 6 + 1, notifications: 6 + 1 });
    expect(await states(accountId)).toEqual({ "delivery/succeeded": 6, "delivery/failed": 16, "test/failed": 1, "test/succeeded": 1 });

    // A year later: every succeeded and test push is gone; failed and held ones stay, with their notifications.
    await deleteExpiredLogs(30, new Date(Date.now() + 365 * DAY_MS));
    expect(await states(accountId)).toEqual({ "delivery/failed": 16 });
    expect(await states(holder.id)).toEqual({ "delivery/held": 1 });
    // A deleted push's attempts and items went with it.
    const keptIds = (await db.push.findMany({ select: { id: true } })).map((push) => push.id);
    expect(await db.pushAttempt.count({ where: { pushId: { notIn: keptIds } } })).toBe(0);
    expect(await db.pushItem.count({ where: { pushId: { notIn: keptIds } } })).toBe(0);
    expect(await db.pushAttempt.count({ where: { accountId } })).toBeGreaterThan(0);
    expect(await db.push.count({ where: { state: "succeeded" } })).toBe(0);
    expect(await db.notification.count({ where: { state: "delivered" } })).toBe(0);
    expect(await db.notification.count({ where: { accountId, state: "failed" } })).toBe(16);
    expect(await db.notification.count({ where: { accountId: holder.id, state: "held" } })).toBe(1);
    const kept = (await listPushes(accountId, { result: "failed" })).pushes;
    expect(kept).toHaveLength(16);
    expect((await getPush(accountId, kept[0]!.id))!.attempts).toHaveLength(1);
  });

  it("deletes a large expiry in batches, each reading on where the last stopped, and keeps what lies between them", async () => {
    const account = await accountWithWebhook(harness.receiver.url);
    // 30 pushes of one notification each, formed while no dispatcher runs; every third one failed.
    for (let i = 0; i < 30; i++) await createDevice(account.id, { deviceId: `EXPIRE-${i}`, name: "Phone", platform: "iOS" }, "api");
    await formPushes({ maxBatch: 1 });
    const pushIds = (await db.push.findMany({ where: { accountId: account.id }, orderBy: { id: "asc" }, select: { id: true } })).map((push) => push.id);
    const failed = pushIds.filter((_, index) => index % 3 === 0);
    await db.push.updateMany({ where: { accountId: account.id }, data: { state: "succeeded", completedAt: new Date(), nextAttemptAt: null } });
    await db.push.updateMany({ where: { id: { in: failed } }, data: { state: "failed" } });
    await db.notification.updateMany({ where: { accountId: account.id }, data: { state: "delivered" } });
    // The notifications of the failed pushes failed too, but one arrived since (say, redelivered):
    // delivered, it is kept while its failed push shows it.
    await db.notification.updateMany({ where: { pushId: { in: failed.slice(1) } }, data: { state: "failed" } });

    // Batches of 4 rows: every batch ends next to a kept row.
    expect(await deleteExpiredLogs(30, new Date(Date.now() + 40 * DAY_MS), 4)).toEqual({ pushes: 20, notifications: 20 });
    expect((await db.push.findMany({ where: { accountId: account.id }, orderBy: { id: "asc" } })).map((push) => push.id)).toEqual(failed);
    expect(await db.pushItem.count({ where: { pushId: { in: failed } } })).toBe(10);
    expect(await db.notification.groupBy({ by: ["state"], where: { accountId: account.id }, _count: { _all: true }, orderBy: { state: "asc" } })).toEqual([
      { state: "delivered", _count: { _all: 1 } },
      { state: "failed", _count: { _all: 9 } },
    ]);
  });
});

describe("Event Log > Webhook: a push of several notifications", () => {
  it("lists its first 5 devices in notification order (the CSV all of them), and a device filter finds it once though it carries the device twice", async () => {
    const account = await accountWithWebhook(harness.receiver.url);
    answerByDevice();
    // With no dispatcher, the first change's push waits queued and the next five wait pending for it.
    await enroll(account.id, { OK: 4 }, "M");
    await changeDeviceStatus(account.id, "OK-M2", "compliant", "api");
    await changeDeviceStatus(account.id, "OK-M3", "non_compliant", "api");
    await changeDeviceStatus(account.id, "OK-M4", "compliant", "api");
    const dispatcher = harness.start({ retryDelaysMs: [], maxBatch: 10 });
    await settledCount(account.id, 2);
    await dispatcher.stop();
    harness.dispatcher = undefined;

    const carried = await db.notification.findMany({ where: { accountId: account.id, deviceId: { not: "OK-M1" } }, orderBy: { id: "asc" } });
    const expected = carried.map((notification) => ({ deviceId: notification.deviceId, status: notification.status }));
    expect(expected).toHaveLength(6);
    const [batch, single] = (await listPushes(account.id, {})).pushes;
    expect(single).toMatchObject({ itemCount: 1, items: [{ deviceId: "OK-M1", status: "installed" }] });
    expect(batch).toMatchObject({ itemCount: 6, state: "succeeded", lastStatusCode: 200, attemptCount: 1 });
    expect(batch!.items).toEqual(expected.slice(0, 5));

    const byDevice = await listPushes(account.id, { deviceId: "OK-M2" });
    expect(byDevice.pushes.map((push) => push.id)).toEqual([batch!.id]);
    expect(byDevice.nextCursor).toBeNull();
    expect((await listPushes(account.id, { deviceId: "OK-M2", from: new Date(Date.now() + DAY_MS) })).pushes).toEqual([]);

    const csv = await new Response(pushesCsvStream(account.id, {})).text();
    const batchLine = csv.split("\r\n").find((line) => line.includes(batch!.id))!;
    expect(batchLine).toContain(expected.map((item) => item.deviceId).join("; "));
    expect(batchLine).toContain(expected.map((item) => item.status).join("; "));
    expect((await getPush(account.id, batch!.id))!.items.map(({ deviceId, status }) => ({ deviceId, status }))).toEqual(expected);
  });
});
