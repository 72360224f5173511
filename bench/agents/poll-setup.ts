// Prepares one push-vs-poll run through the app's services: an enterprise account, its simulated
// devices SIM-0001.. enrolled a minute ago (already settled, so the poller's catch-up sees them
// before the run), an API token for the poller (written to tokenFile, mode 0600, never printed)
// and, for the push run, the webhook pointed at the receiver.
// Usage: poll-setup.ts '{"accountName":"…","devices":200,"callbackUrl":null,"tokenFile":"…"}'
import { writeFileSync } from "node:fs";
import { createApiToken } from "@/lib/api-tokens";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { simulatedDeviceId, simulatedDeviceProfile } from "@/lib/simulator/fleet";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

export type PollSetupPlan = { accountName: string; devices: number; callbackUrl: string | null; tokenFile: string };

const plan = JSON.parse(process.argv[2]!) as PollSetupPlan;
const ACTOR = "bench";

const { accountId } = await createUserWithAccount({ accountName: plan.accountName, plan: "enterprise", email: "owner@push-vs-poll.bench", role: "owner" }, ACTOR);
const enrolledAt = new Date(Date.now() - 60_000);
for (let number = 1; number <= plan.devices; number++) {
  await createDevice(accountId, { deviceId: simulatedDeviceId(number), ...simulatedDeviceProfile(number) }, ACTOR, enrolledAt);
}
const { token } = await createApiToken(accountId, { name: "Polling vendor", scopes: ["logs:read"], expiresInDays: 7 }, ACTOR);
writeFileSync(plan.tokenFile, token, { mode: 0o600 });
if (plan.callbackUrl) {
  await saveWebhookSettings({ id: accountId, plan: "enterprise" }, { callbackUrl: plan.callbackUrl, apiKey: "bench-vendor-key", events: [...DEVICE_STATUSES], enabled: true }, ACTOR);
}
await db.$disconnect();
