import { describe, expect, it } from "vitest";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { metrics } from "@/lib/metrics";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { eventually } from "../support/receiver";
import { API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

let sequence = 0;
// Like the fixtures' accountWithWebhook, without a user (no password hashing: keeps the file fast).
async function accountWithWebhook(callbackUrl: string) {
  const account = { id: (await db.account.create({ data: { name: `Metrics ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id, plan: "enterprise" };
  const { signingSecret } = await saveWebhookSettings(account, { callbackUrl, apiKey: API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "owner@test");
  return { accountId: account.id, signingSecret: signingSecret! };
}

// The value of one sample in the Prometheus text format, or null when it is not there.
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return null;
}

describe("Prometheus metrics", () => {
  it("count pushes and attempts, time attempts, and report queue depth, held notifications and disabled integrations", async () => {
    const baseline = await metrics.registry.metrics();
    const before = (name: string, labels?: Record<string, string>) => sample(baseline, name, labels) ?? 0;

    const { accountId, signingSecret } = await accountWithWebhook(harness.receiver.url);
    const { accountId: failingId } = await accountWithWebhook(`${harness.receiver.url}?fail`);
    harness.receiver.handle((request, response) => void response.writeHead(request.path.endsWith("?fail") ? 500 : 200).end());
    // The failing account is disabled after its first failed push.
    harness.start({ retryDelaysMs: [], disableAfterFailures: 1 });

    await createDevice(accountId, { deviceId: "METRICS-OK", name: "Laptop", platform: "Linux" }, "api");
    await createDevice(failingId, { deviceId: "METRICS-FAIL", name: "Laptop", platform: "Linux" }, "api");
    await eventually(() => db.push.count({ where: { accountId: { in: [accountId, failingId] }, state: { in: ["succeeded", "failed"] } } }), (count) => count === 2, 5000, "2 settled pushes");
    expect(await db.webhookIntegration.findUniqueOrThrow({ where: { accountId: failingId } })).toMatchObject({ enabled: false });
    // A change while automatically disabled is held.
    await changeDeviceStatus(failingId, "METRICS-FAIL", "non_compliant", "api");
    await harness.dispatcher!.stop();
    harness.dispatcher = undefined;
    // A change with no dispatcher running waits in the queue.
    await changeDeviceStatus(accountId, "METRICS-OK", "compliant", "api");

    const text = await metrics.registry.metrics();
    expect(text).toContain("# TYPE webhook_pushes_total counter");
    expect(sample(text, "webhook_pushes_total", { result: "succeeded" })! - before("webhook_pushes_total", { result: "succeeded" })).toBe(1);
    expect(sample(text, "webhook_pushes_total", { result: "failed" })! - before("webhook_pushes_total", { result: "failed" })).toBe(1);
    expect(sample(text, "webhook_attempts_total", { outcome: "success" })! - before("webhook_attempts_total", { outcome: "success" })).toBe(1);
    expect(sample(text, "webhook_attempts_total", { outcome: "http_status" })! - before("webhook_attempts_total", { outcome: "http_status" })).toBe(1);

    expect(text).toContain("# TYPE webhook_attempt_duration_seconds histogram");
    expect(sample(text, "webhook_attempt_duration_seconds_bucket", { le: "+Inf" })! - before("webhook_attempt_duration_seconds_bucket", { le: "+Inf" })).toBe(2);
    expect(sample(text, "webhook_attempt_duration_seconds_count")! - before("webhook_attempt_duration_seconds_count")).toBe(2);
    const seconds = sample(text, "webhook_attempt_duration_seconds_sum")! - before("webhook_attempt_duration_seconds_sum");
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(10);

    expect(sample(text, "webhook_queue_depth")).toBe(1);
    expect(sample(text, "webhook_held_notifications")).toBe(1);
    expect(sample(text, "webhook_disabled_integrations")).toBe(1);

    // Nothing secret is exposed on the scrape endpoint.
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(signingSecret);
    expect(text).not.toContain(signingSecret.slice("whsec_".length));
  });
});
