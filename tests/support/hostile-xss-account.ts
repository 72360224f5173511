// Creates the account tests/e2e/xss.spec.ts works in, on the e2e database: an enterprise account with
// an owner (the generated password), an API token with every scope, and the webhook pointed at the
// spec's loopback receiver. Usage: tsx --conditions=react-server tests/support/hostile-xss-account.ts <callback URL>
// Prints {"email","password","accountId","token"} as its last line.
import { API_SCOPES, createApiToken } from "@/lib/api-tokens";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

const callbackUrl = process.argv[2];
if (!callbackUrl) throw new Error("usage: hostile-xss-account.ts <callback URL>");

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const email = `xss-owner-${suffix}@hostile.test`;
const { accountId, password } = await createUserWithAccount({ accountName: `Hostile XSS ${suffix}`, plan: "enterprise", email, role: "owner" }, "e2e-task");
const { token } = await createApiToken(accountId, { name: "xss e2e", scopes: [...API_SCOPES], expiresInDays: 1 }, "e2e-task");
await saveWebhookSettings({ id: accountId, plan: "enterprise" }, { callbackUrl, apiKey: `xss-vendor-key-${suffix}`, events: [...DEVICE_STATUSES], enabled: true }, "e2e-task");
await db.$disconnect();
console.log(JSON.stringify({ email, password, accountId, token }));
