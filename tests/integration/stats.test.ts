import { describe, expect, it } from "vitest";
import { createDevice } from "@/lib/device-events";
import { db } from "@/lib/db";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { getDeliveryStats, percentile } from "@/lib/webhooks/stats";
import { eventually } from "../support/receiver";
import { accountWithWebhook, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

describe("dashboard delivery figures", () => {
  it("counts settled pushes of the last 24 hours by hour, with success rate, latency and the last error", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    const empty = await getDeliveryStats(accountId);
    expect(empty).toMatchObject({ succeeded: 0, failed: 0, successRate: null, latencyP50Ms: null, lastError: null });
    expect(empty.hours).toHaveLength(24);

    harness.receiver.handle((request, response) => {
      const failing = request.body.includes("FAIL-");
      setTimeout(() => response.writeHead(failing ? 503 : 200).end(failing ? "down" : "ok"), failing ? 0 : 20);
    });
    harness.start({ retryDelaysMs: [], maxBatch: 1 });
    for (let i = 0; i < 6; i++) await createDevice(accountId, { deviceId: `OK-${i}`, name: "D", platform: "Linux" }, "api");
    for (let i = 0; i < 2; i++) await createDevice(accountId, { deviceId: `FAIL-${i}`, name: "D", platform: "Linux" }, "api");
    await eventually(() => db.push.count({ where: { accountId, state: { in: ["succeeded", "failed"] } } }), (settled) => settled === 8, 10_000, "8 settled");
    await sendTestPush(accountId); // test pushes are not counted

    const stats = await getDeliveryStats(accountId);
    expect(stats).toMatchObject({ succeeded: 6, failed: 2, successRate: 0.75 });
    expect(stats.hours.reduce((sum, hour) => sum + hour.succeeded + hour.failed, 0)).toBe(8);
    expect(stats.hours.at(-1)).toMatchObject({ succeeded: 6, failed: 2 });
    expect(stats.latencyP50Ms).toBeGreaterThanOrEqual(15);
    expect(stats.latencyP95Ms).toBeGreaterThanOrEqual(stats.latencyP50Ms!);
    expect(stats.lastError).toMatchObject({ statusCode: 503, errorClass: "http_status" });

    // Seen two hours later, they are in the bucket two hours back; a day and more later, in none.
    const later = await getDeliveryStats(accountId, new Date(Date.now() + 2 * 60 * 60 * 1000));
    expect(later.hours.map((hour) => hour.succeeded + hour.failed)).toEqual([...Array(21).fill(0), 8, 0, 0]);
    expect(later.hours.at(-3)).toMatchObject({ succeeded: 6, failed: 2 });
    expect(await getDeliveryStats(accountId, new Date(Date.now() + 25 * 60 * 60 * 1000))).toMatchObject({ succeeded: 0, failed: 0 });

    // Another account's pushes never count here.
    const other = await accountWithWebhook(harness.receiver.url);
    expect(await getDeliveryStats(other.accountId)).toMatchObject({ succeeded: 0, failed: 0 });
  });

  it("takes percentiles by rank", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
  });
});
