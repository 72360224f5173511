// Agent: creates enterprise accounts whose webhooks point at the given receiver URLs (round robin),
// through the app's own services, and prints their ids as JSON on the last line.
//   seed-accounts.ts <count> <url,url,…>
import { parseArgs } from "node:util";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

const { positionals } = parseArgs({ allowPositionals: true });
const count = Number(positionals[0]);
const urls = positionals[1]!.split(",");

const accountIds: string[] = [];
for (let index = 0; index < count; index++) {
  const account = await db.account.create({ data: { name: `Bench account ${index + 1}`, plan: "enterprise" } });
  await saveWebhookSettings(account, { callbackUrl: urls[index % urls.length]!, apiKey: `bench-key-${index + 1}`, events: [...DEVICE_STATUSES], enabled: true }, "bench");
  accountIds.push(account.id);
}
await db.$disconnect();
console.log(JSON.stringify(accountIds));
