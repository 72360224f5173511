import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice, deleteDevice } from "@/lib/device-events";
import { deliveryConfigFromEnv } from "@/lib/webhooks/config";
import { processDispatcher, startProcessDispatcher } from "@/lib/webhooks/dispatcher";
import { claimDuePushes, formPushes } from "@/lib/webhooks/pushes";
import { rotateSigningSecret } from "@/lib/webhooks/settings";
import { eventually, startReceiver } from "../support/receiver";
import { accountWithWebhook, API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";


const harness = useDeliveryHarness();

const pushesOf = (accountId: string) => db.push.findMany({ where: { accountId }, include: { attempts: { orderBy: { number: "asc" } } }, orderBy: { id: "asc" } });

describe("delivery on the first try", () => {
  it("POSTs the contract's body and headers, signed so the reference implementation verifies it", async () => {
    const { accountId, signingSecret } = await accountWithWebhook(harness.receiver.url);
    harness.start();
    const before = Date.now();
    await createDevice(accountId, { deviceId: "LAPTOP-1", name: "Laptop", platform: "Windows" }, "admin@test");
    const [request] = await harness.receiver.waitForRequests(1);

    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/hooks/compliance");
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers.authorization).toBe(API_KEY);
    expect(request!.headers["user-agent"]).toMatch(/^ComplianceWebhooks\/\d+\.\d+\.\d+/);
    const body = JSON.parse(request!.body);
    expect(body).toEqual([{ device_id: "LAPTOP-1", status: "installed", timestamp: expect.any(Number) }]);
    expect(body[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(body[0].timestamp).toBeLessThanOrEqual(Date.now());

    const verified = new Webhook(signingSecret).verify(request!.body, {
      "webhook-id": String(request!.headers["webhook-id"]),
      "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
      "webhook-signature": String(request!.headers["webhook-signature"]),
    });
    expect(verified).toEqual(body);

    const [push] = await eventually(() => pushesOf(accountId), (pushes) => pushes[0]?.state === "succeeded", 5000, "push succeeded");
    expect(push!.id).toBe(request!.headers["webhook-id"]);
    expect(push!.attempts).toHaveLength(1);
    expect(push!.attempts[0]).toMatchObject({ number: 1, statusCode: 200, errorClass: null, url: harness.receiver.url, responseBody: '{"ok":true}' });
    const stored = JSON.parse(push!.attempts[0]!.requestHeaders);
    expect(stored.authorization).toBe("[redacted]");
    expect(stored["webhook-signature"]).toBe("[redacted]");
    expect(JSON.stringify(push!.attempts[0])).not.toContain(API_KEY);
    expect(await db.notification.findMany({ where: { accountId } })).toMatchObject([{ state: "delivered", pushId: push!.id }]);
  });

  it("batches the notifications of one account into one push, up to the batch limit", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    for (let i = 0; i < 5; i++) await createDevice(accountId, { deviceId: `BATCH-${i}`, name: "Phone", platform: "iOS" }, "api");
    harness.start({ maxBatch: 2 });
    await eventually(() => pushesOf(accountId), (pushes) => pushes.length === 3 && pushes.every((push) => push.state === "succeeded"), 5000, "3 pushes");
    const bodies = harness.receiver.requests.map((request) => JSON.parse(request.body) as { device_id: string }[]);
    expect(bodies.map((body) => body.length).sort()).toEqual([1, 2, 2]);
    expect(bodies.flat().map((item) => item.device_id).sort()).toEqual(["BATCH-0", "BATCH-1", "BATCH-2", "BATCH-3", "BATCH-4"]);
  });

  it("sends both signatures while a rotated-out secret is still valid", async () => {
    const { accountId, signingSecret: oldSecret } = await accountWithWebhook(harness.receiver.url);
    const newSecret = await rotateSigningSecret(accountId, "owner@test");
    harness.start();
    await createDevice(accountId, { deviceId: "ROTATE-1", name: "Mac", platform: "macOS" }, "api");
    const [request] = await harness.receiver.waitForRequests(1);
    const headers = {
      "webhook-id": String(request!.headers["webhook-id"]),
      "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
      "webhook-signature": String(request!.headers["webhook-signature"]),
    };
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(request!.body, headers)).toBeTruthy();
    expect(new Webhook(newSecret).verify(request!.body, headers)).toBeTruthy();
  });
});

describe("what triggers a notification", () => {
  it("sends only subscribed statuses, and nothing when the status does not change", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["non_compliant", "deleted"] });
    harness.start();
    await createDevice(accountId, { deviceId: "SUB-1", name: "Phone", platform: "Android" }, "api"); // installed: not subscribed
    await changeDeviceStatus(accountId, "SUB-1", "compliant", "api"); // not subscribed
    expect(await changeDeviceStatus(accountId, "SUB-1", "non_compliant", "api")).toMatchObject({ changed: true, notified: true });
    expect(await changeDeviceStatus(accountId, "SUB-1", "non_compliant", "api")).toEqual({ changed: false, eventId: null, notified: false });
    await deleteDevice(accountId, "SUB-1", "api");
    await eventually(() => db.notification.count({ where: { accountId, state: "delivered" } }), (count) => count === 2, 5000, "2 delivered");
    const statuses = harness.receiver.requests.flatMap((request) => (JSON.parse(request.body) as { status: string }[]).map((item) => item.status));
    expect(statuses.sort()).toEqual(["deleted", "non_compliant"]);
    expect(await db.deviceEvent.count({ where: { accountId } })).toBe(4);
  });

  it("sends nothing for an account that is not on the enterprise plan", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { plan: "standard" });
    harness.start();
    await createDevice(accountId, { deviceId: "STD-1", name: "Phone", platform: "Android" }, "api");
    await changeDeviceStatus(accountId, "STD-1", "compliant", "api");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.receiver.requests).toHaveLength(0);
    expect(await db.notification.count({ where: { accountId } })).toBe(0);
  });
});

describe("which push a notification goes out in", () => {
  it("goes into a push of its own with its change only when its account has nothing else waiting, so the order holds", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["compliant", "non_compliant"] });
    const bodiesOfPushes = async () => (await pushesOf(accountId)).map((push) => (JSON.parse(push.body) as { status: string }[]).map((item) => item.status));
    await createDevice(accountId, { deviceId: "ORD-1", name: "Phone", platform: "Android" }, "api");

    await changeDeviceStatus(accountId, "ORD-1", "compliant", "api");
    expect(await bodiesOfPushes()).toEqual([["compliant"]]);
    expect(await db.notification.count({ where: { accountId, state: "queued" } })).toBe(1);

    // That push waits to be sent: the next change waits too, to be batched.
    await changeDeviceStatus(accountId, "ORD-1", "non_compliant", "api");
    expect(await db.notification.count({ where: { accountId, state: "pending" } })).toBe(1);

    // Once the push is being sent, an older notification is still waiting: the next change goes behind it.
    await db.push.updateMany({ where: { accountId }, data: { state: "sending" } });
    await changeDeviceStatus(accountId, "ORD-1", "compliant", "api");
    expect(await db.notification.count({ where: { accountId, state: "pending" } })).toBe(2);
    expect(await bodiesOfPushes()).toEqual([["compliant"]]);

    await formPushes({ maxBatch: 100 });
    expect(await bodiesOfPushes()).toEqual([["compliant"], ["non_compliant", "compliant"]]);
    expect(await db.notification.count({ where: { accountId, state: "queued" } })).toBe(3);
  });
});

describe("pushes the dispatcher forms", () => {
  it("take every account's pending notifications in one pass, oldest first, at most the batch limit each, and hold those of a webhook turned off", async () => {
    const accounts = [await accountWithWebhook(harness.receiver.url), await accountWithWebhook(harness.receiver.url), await accountWithWebhook(harness.receiver.url)];
    // No dispatcher runs: each account's first enrollment goes into a push of its own, which waits
    // queued, so the next four wait as pending notifications.
    for (const [index, { accountId }] of accounts.entries()) {
      for (let i = 0; i < 5; i++) await createDevice(accountId, { deviceId: `PASS${index}-${i}`, name: "Phone", platform: "iOS" }, "api");
    }
    const off = accounts[2]!.accountId;
    await db.webhookIntegration.update({ where: { accountId: off }, data: { enabled: false, disabledReason: "Disabled automatically after 100 consecutive failed pushes." } });

    expect(await formPushes({ maxBatch: 3 })).toMatchObject({ pushes: 4, more: false, leased: [] });

    const deviceIdsOfPushes = async (accountId: string) => (await pushesOf(accountId)).map((push) => (JSON.parse(push.body) as { device_id: string }[]).map((item) => item.device_id));
    expect(await deviceIdsOfPushes(accounts[0]!.accountId)).toEqual([["PASS0-0"], ["PASS0-1", "PASS0-2", "PASS0-3"], ["PASS0-4"]]);
    expect(await deviceIdsOfPushes(accounts[1]!.accountId)).toEqual([["PASS1-0"], ["PASS1-1", "PASS1-2", "PASS1-3"], ["PASS1-4"]]);
    expect(await deviceIdsOfPushes(off)).toEqual([["PASS2-0"]]);
    expect(await db.notification.count({ where: { accountId: off, state: "held" } })).toBe(4);
    expect(await db.notification.count({ where: { accountId: { in: accounts.map(({ accountId }) => accountId) }, state: "pending" } })).toBe(0);
  });

  it("are sent as they are formed only when no older push of their account waits: the order holds", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["installed", "compliant"] });
    // No dispatcher yet: the first push waits queued, and the next notification pending behind it.
    await createDevice(accountId, { deviceId: "TURN-1", name: "Phone", platform: "Android" }, "api");
    await changeDeviceStatus(accountId, "TURN-1", "compliant", "api");
    expect(await db.notification.count({ where: { accountId, state: "pending" } })).toBe(1);

    // The dispatcher forms the second push with the endpoint's one slot free, yet sends the first first.
    harness.start({ concurrencyPerEndpoint: 1 });
    const pushes = await eventually(() => pushesOf(accountId), (all) => all.length === 2 && all.every((push) => push.state === "succeeded"), 5000, "both pushes delivered");
    // (Earlier tests leave pushes of other accounts to the same receiver.)
    const requests = harness.receiver.requests.filter((request) => pushes.some((push) => push.id === request.headers["webhook-id"]));
    expect(requests.map((request) => request.headers["webhook-id"])).toEqual(pushes.map((push) => push.id));
    expect(requests.map((request) => (JSON.parse(request.body) as { status: string }[])[0]!.status)).toEqual(["installed", "compliant"]);
  });
});

describe("sending slots", () => {
  it("taken by pushes leased in a forming transaction that fails are given back, and nothing is formed", async () => {
    // Two accounts, each with a notification pending and no push queued (the first change's push settled).
    const accountIds: string[] = [];
    for (const name of ["ROLLBACK-A", "ROLLBACK-B"]) {
      const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["installed", "compliant"] });
      await createDevice(accountId, { deviceId: name, name: "Phone", platform: "Android" }, "api");
      await changeDeviceStatus(accountId, name, "compliant", "api");
      await db.push.updateMany({ where: { accountId }, data: { state: "succeeded" } });
      accountIds.push(accountId);
    }
    // A slot for the first account's push, then a failure while the second's is formed.
    let reserved = 0;
    const released: string[] = [];
    const leaser = {
      leaseMs: 10_000,
      reserveSlot: () => {
        if (++reserved > 1) throw new Error("forming fails after a push was leased");
        return true;
      },
      releaseSlots: (pushes: { accountId: string }[]) => released.push(...pushes.map((push) => push.accountId)),
    };
    await expect(formPushes({ maxBatch: 10 }, new Date(), leaser)).rejects.toThrow("forming fails after a push was leased");
    expect(released).toHaveLength(1);
    expect(accountIds).toContain(released[0]);
    for (const accountId of accountIds) {
      expect(await db.notification.count({ where: { accountId, state: "pending" } })).toBe(1);
      expect(await db.push.count({ where: { accountId, state: { not: "succeeded" } } })).toBe(0);
    }
  });

  it("fills every slot from a backlog of several accounts, each up to its per-endpoint limit, though one account's pushes come first", async () => {
    const PER_ACCOUNT = 6;
    // A vendor endpoint each (the per-endpoint limit is also the HTTP client's per origin); answers
    // are held until every slot had its chance to fill.
    const receivers = await Promise.all(Array.from({ length: 4 }, () => startReceiver()));
    const held: (() => void)[] = [];
    try {
      const accountIds: string[] = [];
      for (const receiver of receivers) {
        const { accountId } = await accountWithWebhook(receiver.url);
        accountIds.push(accountId);
        for (let i = 0; i < PER_ACCOUNT; i++) await createDevice(accountId, { deviceId: `SLOT${accountIds.length}-${i}`, name: "Laptop", platform: "Windows" }, "api");
        receiver.handle((_request, response) => {
          held.push(() => response.writeHead(200).end());
        });
      }
      harness.start({ maxBatch: 1, concurrency: 8, concurrencyPerEndpoint: 2 });

      await eventually(async () => held.length, (underWay) => underWay >= 8, 5000, "8 requests under way");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receivers.map((receiver) => receiver.requests.length)).toEqual([2, 2, 2, 2]);

      for (const receiver of receivers) receiver.respondWith(200);
      held.splice(0).forEach((answer) => answer());
      await eventually(() => db.push.count({ where: { accountId: { in: accountIds }, state: "succeeded" } }), (succeeded) => succeeded === receivers.length * PER_ACCOUNT, 10_000, "every push delivered");
    } finally {
      await Promise.all(receivers.map((receiver) => receiver.close()));
    }
  });
});

describe("claiming due pushes", () => {
  let enrolled = 0;
  const enroll = async (accountId: string, count: number) => {
    for (let i = 0; i < count; i++) await createDevice(accountId, { deviceId: `CLAIM-${enrolled++}`, name: "Laptop", platform: "Windows" }, "api");
  };

  it("takes the oldest due pushes of accounts below their limit, reading past the run of a full account's pushes formed with them", async () => {
    // Accounts in the order of their ids, which is the claim index's order among pushes formed at one time.
    const accounts = await Promise.all(Array.from({ length: 5 }, () => accountWithWebhook(harness.receiver.url)));
    const [full, oneFree, single, two, later] = accounts.map((account) => account.accountId).sort();
    await enroll(full!, 8);
    await enroll(oneFree!, 3);
    await enroll(single!, 1);
    await enroll(two!, 3);
    await enroll(later!, 1);
    await formPushes({ maxBatch: 1 });
    // Due as a backlog formed at one time would be, and a second later: the last 2 of the full
    // account's pushes, the last of `two`'s and the one of `later`.
    const formedAt = new Date(Date.now() - 10_000);
    await db.push.updateMany({ where: { accountId: { in: accounts.map((account) => account.accountId) } }, data: { nextAttemptAt: formedAt } });
    const dueLater = await Promise.all([[full!, 2], [two!, 1], [later!, 1]].map(([accountId, count]) => db.push.findMany({ where: { accountId: accountId as string }, orderBy: { id: "desc" }, take: count as number })));
    await db.push.updateMany({ where: { id: { in: dueLater.flat().map((push) => push.id) } }, data: { nextAttemptAt: new Date(formedAt.getTime() + 1000) } });

    const active = new Map([[full!, 2], [oneFree!, 1]]);
    const claimed = await claimDuePushes({ limit: 6, leaseMs: 60_000, perAccount: { limit: 2, active }, now: new Date() });

    expect(claimed.map((push) => push.accountId)).toEqual([oneFree, single, two, two, later]);
    const leased = await db.push.findMany({ where: { id: { in: claimed.map((push) => push.id) } } });
    expect(leased.every((push) => push.state === "sending")).toBe(true);
    expect(claimed.every((push) => JSON.parse(push.body).length === 1 && push.attemptCount === 0)).toBe(true);
    expect(await db.push.count({ where: { accountId: full!, state: "queued" } })).toBe(8);
    expect(await db.push.count({ where: { accountId: two!, state: "queued" } })).toBe(1);
    // Nothing of these accounts is left for the next test's dispatcher to send to the shared receiver.
    await db.push.updateMany({ where: { accountId: { in: accounts.map((account) => account.accountId) } }, data: { state: "failed", nextAttemptAt: null, leaseExpiresAt: null } });
  });

  it("takes abandoned sends first, then due retries, then new pushes, oldest first, up to the limit; nothing not yet due", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    await enroll(accountId, 8);
    await formPushes({ maxBatch: 1 });
    const pushes = await db.push.findMany({ where: { accountId }, orderBy: { id: "asc" } });
    const now = Date.now();
    const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
    // Two queued, two retries due, one retry not yet due, two sends whose lease expired, one still leased.
    const plan: [string, Date][] = [["queued", at(50)], ["queued", at(40)], ["retrying", at(5)], ["retrying", at(30)], ["retrying", at(-60)], ["sending", at(1)], ["sending", at(20)], ["sending", at(-60)]];
    for (const [index, [state, nextAttemptAt]] of plan.entries()) {
      await db.push.update({ where: { id: pushes[index]!.id }, data: { state, nextAttemptAt, leaseExpiresAt: state === "sending" ? nextAttemptAt : null, attemptCount: state === "queued" ? 0 : 1 } });
    }
    const idOf = (index: number) => pushes[index]!.id;

    const first = await claimDuePushes({ limit: 5, leaseMs: 60_000, perAccount: { limit: 10, active: new Map() }, now: new Date(now) });
    expect(first.map((push) => push.id)).toEqual([idOf(6), idOf(5), idOf(3), idOf(2), idOf(0)]);
    const rest = await claimDuePushes({ limit: 5, leaseMs: 60_000, perAccount: { limit: 10, active: new Map() }, now: new Date(now) });
    expect(rest.map((push) => push.id)).toEqual([idOf(1)]);
    expect(await db.push.count({ where: { accountId, state: "sending" } })).toBe(7);
    await db.push.updateMany({ where: { accountId }, data: { state: "failed", nextAttemptAt: null, leaseExpiresAt: null } });
  });
});

describe("a status change in a process that delivers", () => {
  it("hands its push to the process's dispatcher as it is written, within the per-endpoint limit; each push goes out once, in order", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["installed", "compliant"] });
    const held: (() => void)[] = [];
    harness.receiver.handle((_request, response) => {
      held.push(() => response.writeHead(200).end());
    });
    const dispatcher = startProcessDispatcher({ config: { ...deliveryConfigFromEnv(), timeoutMs: 2000, concurrencyPerEndpoint: 1 } });
    try {
      expect(processDispatcher()).toBe(dispatcher);
      await createDevice(accountId, { deviceId: "HANDED-1", name: "Laptop", platform: "Windows" }, "api");
      // Written leased for sending, in the change's own transaction.
      expect(await pushesOf(accountId)).toMatchObject([{ state: "sending", attemptCount: 0 }]);
      await harness.receiver.waitForRequests(1);

      // The endpoint's one slot is taken: the next push waits, queued, until the first is answered.
      await changeDeviceStatus(accountId, "HANDED-1", "compliant", "api");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(harness.receiver.requests).toHaveLength(1);
      expect((await pushesOf(accountId)).map((push) => push.state)).toEqual(["sending", "queued"]);

      harness.receiver.respondWith(200);
      held.splice(0).forEach((answer) => answer());
      const pushes = await eventually(() => pushesOf(accountId), (all) => all.every((push) => push.state === "succeeded"), 5000, "both pushes delivered");
      const requests = harness.receiver.requests;
      expect(requests.map((request) => request.headers["webhook-id"])).toEqual(pushes.map((push) => push.id));
      expect(requests.map((request) => (JSON.parse(request.body) as { status: string }[])[0]!.status)).toEqual(["installed", "compliant"]);
    } finally {
      await dispatcher.stop();
    }
    expect(processDispatcher()).toBeUndefined();
  });
});
