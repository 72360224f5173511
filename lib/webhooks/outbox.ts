// The transactional outbox: a notification is written in the same transaction as its device event,
// so a crash at any moment loses none. Owns the notifications table.
import "server-only";
import type { Prisma } from "@/lib/db";
import { newTimeOrderedId } from "@/lib/ids";
import { IN_LIST, listParam, sqlOnPostgres, timeOf, type Sql } from "@/lib/sql";
import { SKIP_LOCKED } from "@/lib/webhooks/pg-claims";

type Tx = Prisma.TransactionClient;

export const NOTIFICATION_STATES = ["pending", "queued", "delivered", "failed", "held"] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

type Integration = { enabled: boolean; disabledReason: string | null; events: string };

// What a new device event means for the outbox: pending when the integration is on and subscribed,
// held while it is automatically disabled (kept for later), nothing otherwise.
export function outboxStateFor(integration: Integration | null, status: string): NotificationState | null {
  if (!integration || !integration.events.split(",").includes(status)) return null;
  if (integration.enabled) return "pending";
  return integration.disabledReason ? "held" : null;
}

// A notification written with its device event, in its state; when it goes straight into a push,
// that push's id.
export type NewNotification = PendingNotification & { accountId: string; deviceEventId: string; state: NotificationState; pushId: string | null };

export function newNotification(
  event: { id: string; accountId: string; deviceId: string; status: string; occurredAt: Date },
  state: NotificationState,
): NewNotification {
  const { id: deviceEventId, accountId, deviceId, status, occurredAt } = event;
  return { id: newTimeOrderedId(), accountId, deviceEventId, deviceId, status, occurredAt, state, pushId: null };
}

export async function insertNotifications(sql: Sql, notifications: NewNotification[]): Promise<void> {
  const createdAt = new Date();
  await sql.insert(
    "notifications",
    ["id", "account_id", "device_event_id", "device_id", "status", "occurred_at", "state", "push_id", "created_at"],
    notifications.map((n) => [n.id, n.accountId, n.deviceEventId, n.deviceId, n.status, n.occurredAt, n.state, n.pushId, createdAt]),
  );
}

// What a push needs of a notification.
export type PendingNotification = { id: string; deviceId: string; status: string; occurredAt: Date };
type PendingRow = { id: string; account_id: string; device_id: string; status: string; occurred_at: unknown };

// Each account's oldest pending notifications, up to `limit` of each, in the accounts' order. On
// PostgreSQL they are row-locked (SKIP LOCKED), so that two dispatchers forming pushes at once never
// put one into two pushes, and read in one statement for all the accounts (a round trip each would
// cost more than the rest of forming); on SQLite one read per account, microseconds each.
export async function takePendingNotifications(sql: Sql, accountIds: string[], limit: number): Promise<Map<string, PendingNotification[]>> {
  const rows = sqlOnPostgres
    ? await sql.all<PendingRow>(
        `SELECT n.id, n.account_id, n.device_id, n.status, n.occurred_at FROM unnest(?::text[]) WITH ORDINALITY AS list(value, position)
          CROSS JOIN LATERAL (SELECT id, account_id, device_id, status, occurred_at, created_at FROM notifications
            WHERE account_id = list.value AND state = 'pending' ORDER BY created_at, id LIMIT ?${SKIP_LOCKED}) AS n
          ORDER BY list.position, n.created_at, n.id`,
        [accountIds, limit],
      )
    : (
        await Promise.all(
          accountIds.map((accountId) =>
            sql.all<PendingRow>("SELECT id, account_id, device_id, status, occurred_at FROM notifications WHERE account_id = ? AND state = 'pending' ORDER BY created_at, id LIMIT ?", [accountId, limit]),
          ),
        )
      ).flat();
  const pending = new Map<string, PendingNotification[]>();
  for (const row of rows) {
    const notification = { id: row.id, deviceId: row.device_id, status: row.status, occurredAt: timeOf(row.occurred_at)! };
    const ofAccount = pending.get(row.account_id);
    if (ofAccount) ofAccount.push(notification);
    else pending.set(row.account_id, [notification]);
  }
  return pending;
}

// The accounts with notifications waiting to be formed into pushes, by id, and how many each has.
export async function accountsWithPendingNotifications(sql: Sql, limit: number): Promise<{ accountId: string; pending: number }[]> {
  const rows = await sql.all<{ account_id: string; pending: number | bigint }>(
    "SELECT account_id, COUNT(*) AS pending FROM notifications WHERE state = 'pending' GROUP BY account_id ORDER BY account_id LIMIT ?",
    [limit],
  );
  return rows.map((row) => ({ accountId: row.account_id, pending: Number(row.pending) }));
}

// Marks notifications queued in the pushes just created for them.
export async function queueNotificationsInPushes(sql: Sql, queued: { notificationId: string; pushId: string }[]): Promise<void> {
  await sql.update("notifications", { keys: { id: "text" }, set: { state: "text", push_id: "text" } }, queued.map(({ notificationId, pushId }) => [notificationId, "queued", pushId]));
}

export async function setPushNotificationsState(sql: Sql, pushIds: string[], state: NotificationState): Promise<void> {
  if (pushIds.length === 0) return;
  await sql.run(`UPDATE notifications SET state = ? WHERE push_id ${IN_LIST}`, [state, listParam(pushIds)]);
}

// Pending notifications of an account whose integration is off are kept, as held.
export async function holdPendingNotifications(sql: Sql, accountId: string): Promise<number> {
  return sql.run("UPDATE notifications SET state = 'held' WHERE account_id = ? AND state = 'pending'", [accountId]);
}

// Held notifications that never went into a push go back to pending, to be pushed now.
export async function releaseHeldNotifications(tx: Tx, accountId: string): Promise<number> {
  return (await tx.notification.updateMany({ where: { accountId, state: "held", pushId: null }, data: { state: "pending" } })).count;
}

export async function countNotificationsByState(tx: Tx, accountId: string, state: NotificationState): Promise<number> {
  return tx.notification.count({ where: { accountId, state } });
}
