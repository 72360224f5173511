// Direct database tasks for e2e tests, run as a separate process against the e2e database (the
// console's dispatcher wakes on the commit). Usage: tsx --conditions=react-server db-task.ts <task> <json>
//   configure-webhook {"accountId","callbackUrl","apiKey","events"?,"enabled"?} → prints {"signingSecret"}
//   create-device     {"accountId","deviceId","name","platform"}
//   change-status     {"accountId","deviceId","status"}
//   create-token      {"accountId","scopes"} → prints {"token"}
import { createApiToken, type ApiScope } from "@/lib/api-tokens";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

const [task, json] = process.argv.slice(2);
const input = JSON.parse(json ?? "{}");
let result: unknown = {};
if (task === "configure-webhook") {
  result = await saveWebhookSettings(
    { id: input.accountId, plan: "enterprise" },
    { callbackUrl: input.callbackUrl, apiKey: input.apiKey, events: input.events ?? [...DEVICE_STATUSES], enabled: input.enabled ?? true },
    "e2e-task",
  );
} else if (task === "create-device") {
  result = await createDevice(input.accountId, input, "e2e-task");
} else if (task === "change-status") {
  result = await changeDeviceStatus(input.accountId, input.deviceId, input.status as DeviceStatus, "e2e-task");
} else if (task === "create-token") {
  result = { token: (await createApiToken(input.accountId, { name: "e2e", scopes: input.scopes as ApiScope[], expiresInDays: 1 }, "e2e-task")).token };
} else {
  throw new Error(`unknown task ${task}`);
}
await db.$disconnect();
console.log(JSON.stringify(result));
