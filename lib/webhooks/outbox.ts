// The transactional outbox: a notification is written in the same transaction as its device event,
// so a crash at any moment loses none. Owns the notifications table.
import "server-only";
import { db, type Prisma } from "@/lib/db";
import { claimsNeedRowLocks } from "@/lib/webhooks/pg-claims";

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

export async function enqueueNotification(
  tx: Tx,
  event: { id: string; accountId: string; deviceId: string; status: string; occurredAt: Date },
  state: NotificationState,
): Promise<void> {
  await tx.notification.create({
    data: { accountId: event.accountId, deviceEventId: event.id, deviceId: event.deviceId, status: event.status, occurredAt: event.occurredAt, state },
  });
}

// Up to `limit` pending notifications of one account, oldest first.
// What a push needs of a notification.
export const PUSHED_FIELDS = { id: true, deviceId: true, status: true, occurredAt: true } as const;

export function takePendingNotifications(tx: Tx, accountId: string, limit: number) {
  return tx.notification.findMany({ where: { accountId, state: "pending" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, select: PUSHED_FIELDS });
}

export async function accountsWithPendingNotifications(tx: Tx, limit: number): Promise<string[]> {
  const groups = await tx.notification.groupBy({ by: ["accountId"], where: { state: "pending" }, orderBy: { accountId: "asc" }, take: limit });
  return groups.map((group) => group.accountId);
}

// Marks notifications queued in the pushes just created for them (their push_items rows), in one
// statement however many pushes: forming a push per notification must not cost a query each.
export async function queueNotificationsInPushes(tx: Tx, notificationIds: string[], pushIds: string[]): Promise<void> {
  if (notificationIds.length === 0) return;
  const param = claimsNeedRowLocks ? (index: number) => `$${index}` : () => "?";
  const list = (values: string[], from: number) => values.map((_, index) => param(from + index)).join(", ");
  await tx.$executeRawUnsafe(
    `UPDATE notifications SET state = 'queued',
        push_id = (SELECT push_items.push_id FROM push_items WHERE push_items.notification_id = notifications.id AND push_items.push_id IN (${list(pushIds, 1)}))
      WHERE id IN (${list(notificationIds, pushIds.length + 1)})`,
    ...pushIds,
    ...notificationIds,
  );
}

export async function setPushNotificationsState(tx: Tx, pushIds: string[], state: NotificationState): Promise<void> {
  if (pushIds.length === 0) return;
  await tx.notification.updateMany({ where: { pushId: { in: pushIds } }, data: { state } });
}

// Pending notifications of an account whose integration is off are kept, as held.
export async function holdPendingNotifications(tx: Tx, accountId: string): Promise<number> {
  return (await tx.notification.updateMany({ where: { accountId, state: "pending" }, data: { state: "held" } })).count;
}

// Held notifications that never went into a push go back to pending, to be pushed now.
export async function releaseHeldNotifications(tx: Tx, accountId: string): Promise<number> {
  return (await tx.notification.updateMany({ where: { accountId, state: "held", pushId: null }, data: { state: "pending" } })).count;
}

export async function countNotificationsByState(tx: Tx, accountId: string, state: NotificationState): Promise<number> {
  return tx.notification.count({ where: { accountId, state } });
}

// Delivered notifications older than the cutoff that no remaining push still shows in the log.
export async function deleteDeliveredNotificationsBefore(before: Date): Promise<number> {
  return (await db.notification.deleteMany({ where: { state: "delivered", createdAt: { lt: before }, items: { none: {} } } })).count;
}
