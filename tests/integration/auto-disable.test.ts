import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { claimDuePushes, formPushes, settleAttempts } from "@/lib/webhooks/pushes";
import { getWebhookSettings, setWebhookEnabled } from "@/lib/webhooks/settings";
import { eventually } from "../support/receiver";
import { accountWithWebhook, useDeliveryHarness } from "../support/webhook-fixtures";


const harness = useDeliveryHarness();

// One push per notification and no retries, so each status change is one failed push.
const SETTINGS = { retryDelaysMs: [], maxBatch: 1, disableAfterFailures: 100, concurrency: 64, concurrencyPerEndpoint: 20 };

async function enroll(accountId: string, count: number, prefix: string) {
  for (let i = 0; i < count; i++) await createDevice(accountId, { deviceId: `${prefix}-${i}`, name: "Device", platform: "Linux" }, "api");
}

const settledPushes = (accountId: string, count: number) =>
  eventually(() => db.push.count({ where: { accountId, state: { in: ["succeeded", "failed", "held"] } } }), (settled) => settled >= count, 60_000, `${count} settled pushes`);

const integration = (accountId: string) => db.webhookIntegration.findUniqueOrThrow({ where: { accountId } });

describe("automatic disable after consecutive failed pushes", () => {
  it("99 failed pushes do not disable; a success resets the count; the 100th in a row disables once, with 20 in flight", async () => {
    const { account, accountId } = await accountWithWebhook(harness.receiver.url);
    let inFlight = 0;
    let maxInFlight = 0;
    let failing = true;
    harness.receiver.handle((_request, response) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        response.writeHead(failing ? 500 : 200).end();
      }, 150); // long enough that the dispatcher fills every slot, even on a loaded machine
    });
    await enroll(accountId, 99, "A");
    harness.start(SETTINGS);
    await settledPushes(accountId, 99);
    expect(await integration(accountId)).toMatchObject({ enabled: true, consecutiveFailures: 99 });
    expect(maxInFlight).toBe(20);

    failing = false;
    await enroll(accountId, 1, "B");
    await settledPushes(accountId, 100);
    expect(await integration(accountId)).toMatchObject({ enabled: true, consecutiveFailures: 0 });

    failing = true;
    await enroll(accountId, 120, "C");
    await eventually(() => integration(accountId), (row) => !row.enabled, 60_000, "auto-disable");
    await eventually(() => db.push.count({ where: { accountId, state: { in: ["queued", "sending", "retrying"] } } }), (open) => open === 0, 30_000, "no open pushes");
    const row = await integration(accountId);
    expect(row.consecutiveFailures).toBeGreaterThanOrEqual(100);
    expect(row.disabledReason).toBe("Disabled automatically after 100 consecutive failed pushes.");
    expect(row.disabledAt).toBeInstanceOf(Date);
    expect(await db.auditLog.count({ where: { accountId, action: "webhook.auto_disabled" } })).toBe(1);
    expect((await getWebhookSettings(accountId))?.enabled).toBe(false);

    // Nothing of the 120 is dropped: each is delivered-failed (counted) or held.
    const states = await db.notification.groupBy({ by: ["state"], where: { accountId, deviceId: { startsWith: "C-" } }, _count: { _all: true } });
    const byState = Object.fromEntries(states.map((group) => [group.state, group._count._all]));
    expect((byState.failed ?? 0) + (byState.held ?? 0)).toBe(120);
    expect(byState.held).toBeGreaterThan(0);

    // Changes while disabled are kept as held and not sent.
    const sentBefore = harness.receiver.requests.length;
    await changeDeviceStatus(accountId, "A-0", "compliant", "api");
    expect(await db.notification.findFirst({ where: { accountId, deviceId: "A-0", status: "compliant" } })).toMatchObject({ state: "held" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.receiver.requests.length).toBe(sentBefore);

    // Re-enabling resets the count and, when asked, delivers everything held.
    failing = false;
    const heldBefore = await db.notification.count({ where: { accountId, state: "held" } });
    await setWebhookEnabled(account, true, "owner@test", { deliverHeld: true });
    expect(await integration(accountId)).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
    await eventually(() => db.notification.count({ where: { accountId, state: "held" } }), (held) => held === 0, 30_000, "held delivered");
    await eventually(
      () => db.notification.count({ where: { accountId, state: "delivered", deviceId: { startsWith: "C-" } } }),
      (delivered) => delivered >= heldBefore - 1,
      30_000,
      "held notifications delivered",
    );
    await harness.receiver.waitForRequests(sentBefore + 1);
    await eventually(
      async () => harness.receiver.requests.some((request) => request.body.includes('"device_id":"A-0","status":"compliant"')),
      (sent) => sent,
      30_000,
      "the change made while disabled is delivered",
    );
  });
});

describe("the failure count within one settled group", () => {
  it("follows the group's order per account: a success resets what came before it, and failures after it count from 0", async () => {
    const first = await accountWithWebhook(harness.receiver.url);
    const second = await accountWithWebhook(harness.receiver.url);
    await db.webhookIntegration.update({ where: { accountId: first.accountId }, data: { consecutiveFailures: 5 } });
    await db.webhookIntegration.update({ where: { accountId: second.accountId }, data: { consecutiveFailures: 3 } });
    // Queued pushes of one notification each (no dispatcher), leased as a dispatcher would lease them.
    await enroll(first.accountId, 3, "ORDER");
    await enroll(second.accountId, 1, "ORDER");
    await formPushes({ maxBatch: 1 });
    const leased = await claimDuePushes({ limit: 1000, leaseMs: 60_000, perAccount: { limit: 10, active: new Map() }, now: new Date() });
    const ofFirst = leased.filter((push) => push.accountId === first.accountId);
    const ofSecond = leased.filter((push) => push.accountId === second.accountId);
    expect([ofFirst.length, ofSecond.length]).toEqual([3, 1]);

    const attempt = (ok: boolean) => ({ number: 1, url: harness.receiver.url, startedAt: new Date(), durationMs: 3, ok, statusCode: ok ? 200 : 500, errorClass: ok ? null : "http_status", errorMessage: null, requestHeaders: {}, responseBody: null });
    const { outcomes } = await settleAttempts(
      [
        { push: ofFirst[0]!, attempt: attempt(false) },
        { push: ofSecond[0]!, attempt: attempt(true) },
        { push: ofFirst[1]!, attempt: attempt(true) },
        { push: ofFirst[2]!, attempt: attempt(false) },
      ],
      { retryDelaysMs: [], disableAfterFailures: 100 },
    );
    expect(outcomes.map((outcome) => outcome.state)).toEqual(["failed", "succeeded", "succeeded", "failed"]);
    // First account: 5, one failure (6), a success (0), one failure (1).
    expect(await integration(first.accountId)).toMatchObject({ consecutiveFailures: 1, enabled: true });
    expect(await integration(second.accountId)).toMatchObject({ consecutiveFailures: 0, enabled: true });
  });
});
