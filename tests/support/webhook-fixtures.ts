// Accounts with a configured webhook, and a dispatcher with test settings, for delivery tests.
import { afterAll, afterEach, beforeAll } from "vitest";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { deliveryConfigFromEnv, type DeliveryConfig } from "@/lib/webhooks/config";
import { Dispatcher } from "@/lib/webhooks/dispatcher";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { createUserWithAccount } from "@/lib/users";
import { startReceiver, type Receiver } from "./receiver";

let sequence = 0;
export const API_KEY = "vendor-api-key-7f3a";

export async function accountWithWebhook(callbackUrl: string, options: { events?: DeviceStatus[]; plan?: "enterprise" | "standard" } = {}) {
  sequence++;
  const plan = options.plan ?? "enterprise";
  const { accountId } = await createUserWithAccount({ accountName: `Delivery ${sequence} ${Date.now()}`, plan, email: `owner${sequence}.${Date.now()}@delivery.test`, role: "owner" }, "test");
  const account = { id: accountId, plan };
  const { signingSecret } = await saveWebhookSettings(account, { callbackUrl, apiKey: API_KEY, events: options.events ?? [...DEVICE_STATUSES], enabled: plan === "enterprise" }, "owner@delivery.test");
  return { account, accountId, signingSecret: signingSecret! };
}

export function testDispatcher(overrides: Partial<DeliveryConfig> = {}): Dispatcher {
  const dispatcher = new Dispatcher({ config: { ...deliveryConfigFromEnv(), timeoutMs: 2000, ...overrides } });
  dispatcher.start();
  return dispatcher;
}

// One receiver for a test file and a dispatcher per test, stopped (and the receiver reset) after each.
export function useDeliveryHarness() {
  const harness = {} as { receiver: Receiver; dispatcher?: Dispatcher; start(overrides?: Partial<DeliveryConfig>): Dispatcher };
  harness.start = (overrides) => (harness.dispatcher = testDispatcher(overrides));
  beforeAll(async () => {
    harness.receiver = await startReceiver();
  });
  afterEach(async () => {
    await harness.dispatcher?.stop();
    harness.dispatcher = undefined;
    harness.receiver.requests.length = 0;
    harness.receiver.respondWith(200);
  });
  afterAll(() => harness.receiver.close());
  return harness;
}
