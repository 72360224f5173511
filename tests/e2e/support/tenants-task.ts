// Two fresh accounts for the isolation and auth-security specs, made in a separate process against the
// e2e database (the console's dispatcher picks up their notifications):
//   tsx --conditions=react-server tests/e2e/support/tenants-task.ts '{"callbackUrl":"…","apiKey":"…"}'
// Each account gets an owner (generated password), one device and a webhook to callbackUrl with the
// given API key (account B's key gets a "-b" suffix), and an all-scopes API token. Prints the lot as JSON.
import { API_SCOPES, createApiToken } from "@/lib/api-tokens";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

export type Tenant = {
  accountId: string;
  accountName: string;
  email: string;
  password: string;
  device: { deviceId: string; name: string; platform: string };
  apiKey: string;
  signingSecret: string;
  token: string;
};

async function createTenant(label: string, stamp: string, callbackUrl: string, apiKey: string): Promise<Tenant> {
  const accountName = `${label} Tenant ${stamp}`;
  const email = `owner.${stamp}@${label.toLowerCase()}.test`;
  const { accountId, password } = await createUserWithAccount({ accountName, plan: "enterprise", email, name: `${label} Owner`, role: "owner" }, "e2e-setup");
  const { signingSecret } = await saveWebhookSettings({ id: accountId, plan: "enterprise" }, { callbackUrl: `${callbackUrl}/${label.toLowerCase()}`, apiKey, events: [...DEVICE_STATUSES], enabled: true }, "e2e-setup");
  const { token } = await createApiToken(accountId, { name: `${label} script`, scopes: [...API_SCOPES], expiresInDays: 1 }, "e2e-setup");
  const device = { deviceId: `${label.toUpperCase()}-${stamp}`, name: `${label}-only workstation`, platform: `${label}OS 3` };
  await createDevice(accountId, device, "e2e-setup");
  return { accountId, accountName, email, password, device, apiKey, signingSecret: signingSecret!, token };
}

const input = JSON.parse(process.argv[2] ?? "{}") as { callbackUrl: string; apiKey: string };
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const a = await createTenant("Alpha", stamp, input.callbackUrl, input.apiKey);
const b = await createTenant("Bravo", stamp, input.callbackUrl, `${input.apiKey}-b`);
await db.$disconnect();
console.log(JSON.stringify({ a, b }));
