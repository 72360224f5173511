// Seeds the backlog scenario: enterprise accounts whose webhooks point at dead receivers, each with a
// backlog of pending notifications. One device change per account goes through the app's service
// (device event + outbox row in one transaction, its push formed with it); the rest are SQL copies of
// that pair, in bulk, pending.
// Usage: backlog-seed.ts '{"callbackUrls":[…],"accounts":100,"perAccount":1000,"startFailures":95}'
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

export type BacklogSeedPlan = {
  // Account i delivers to callbackUrls[i % length].
  callbackUrls: string[];
  accounts: number;
  perAccount: number;
  // Consecutive failed pushes each account has already had: the receiver has been dead for a while.
  startFailures: number;
};

const plan = JSON.parse(process.argv[2]!) as BacklogSeedPlan;
const ACTOR = "bench";

// n = 1 … count copies of the template event and its notification, devices BKLG-<account>-<n>.
async function copyTemplate(accountIndex: number, eventId: string, count: number): Promise<void> {
  const seq = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})`;
  const device = `'BKLG-${accountIndex}-' || n`;
  const status = `CASE n % 3 WHEN 0 THEN 'compliant' WHEN 1 THEN 'non_compliant' ELSE 'installed' END`;
  await db.$transaction([
    db.$executeRawUnsafe(
      `${seq} INSERT INTO device_events (id, account_id, device_id, previous_status, status, actor, occurred_at)
       SELECT id || '-' || n, account_id, ${device}, previous_status, ${status}, actor, occurred_at FROM seq, device_events WHERE id = ?`,
      eventId,
    ),
    db.$executeRawUnsafe(
      `${seq} INSERT INTO notifications (id, account_id, device_event_id, device_id, status, occurred_at, state, created_at)
       SELECT id || '-' || n, account_id, device_event_id || '-' || n, ${device}, ${status}, occurred_at, 'pending', created_at FROM seq, notifications WHERE device_event_id = ?`,
      eventId,
    ),
  ]);
}

for (let index = 0; index < plan.accounts; index++) {
  const { accountId } = await createUserWithAccount({ accountName: `Backlog ${index}`, plan: "enterprise", email: `owner${index}@backlog.bench`, role: "owner" }, ACTOR);
  const callbackUrl = plan.callbackUrls[index % plan.callbackUrls.length]!;
  await saveWebhookSettings({ id: accountId, plan: "enterprise" }, { callbackUrl, apiKey: "bench-backlog-key", events: [...DEVICE_STATUSES], enabled: true }, ACTOR);
  await db.webhookIntegration.update({ where: { accountId }, data: { consecutiveFailures: plan.startFailures } });
  const template = await createDevice(accountId, { deviceId: `BKLG-${index}-0`, name: "Backlog template", platform: "Windows 11" }, ACTOR);
  await copyTemplate(index, template.eventId!, plan.perAccount - 1);
}
const pending = await db.notification.count({ where: { state: "pending" } });
await db.$disconnect();
console.log(JSON.stringify({ pending }));
