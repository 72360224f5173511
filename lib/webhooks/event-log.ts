// Event Log > Webhook: pushes newest first with filters and keyset pagination, one push with all
// its attempts, and the retention cleanup. Push ids are time-ordered, so the id is the page key.
import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { deleteDeliveredNotificationsBefore } from "@/lib/webhooks/outbox";

export const PUSH_RESULTS = ["succeeded", "failed", "retrying", "held", "queued", "sending"] as const;

export const pushFilterSchema = z.object({
  result: z.enum(PUSH_RESULTS).optional(),
  // An exact code (404), a class (2xx, 4xx, 5xx), or "none" (no HTTP answer: timeout, refused...).
  httpStatus: z.string().regex(/^([1-5]\d\d|[1-5]xx|none)$/, "Use a code like 404, a class like 5xx, or none.").optional(),
  deviceId: z.string().trim().min(1).max(128).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type PushFilter = z.infer<typeof pushFilterSchema>;

export const PUSH_PAGE_SIZE = 50;

function statusWhere(httpStatus: string | undefined): Prisma.PushWhereInput {
  if (!httpStatus) return {};
  if (httpStatus === "none") return { lastStatusCode: null, attemptCount: { gt: 0 } };
  if (httpStatus.endsWith("xx")) {
    const base = Number(httpStatus[0]) * 100;
    return { lastStatusCode: { gte: base, lt: base + 100 } };
  }
  return { lastStatusCode: Number(httpStatus) };
}

export function pushWhere(accountId: string, filter: PushFilter): Prisma.PushWhereInput {
  return {
    accountId,
    state: filter.result,
    ...statusWhere(filter.httpStatus),
    ...(filter.deviceId ? { items: { some: { deviceId: filter.deviceId } } } : {}),
    ...(filter.from || filter.to ? { createdAt: { gte: filter.from, lte: filter.to } } : {}),
  };
}

// One page of pushes, newest first; pass the previous page's nextCursor to continue.
export async function listPushes(accountId: string, filter: PushFilter, cursor?: string, limit = PUSH_PAGE_SIZE) {
  const rows = await db.push.findMany({
    where: { ...pushWhere(accountId, filter), ...(cursor ? { id: { lt: cursor } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    include: { items: { select: { deviceId: true, status: true }, take: 5 } },
  });
  const page = rows.slice(0, limit);
  return { pushes: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

// One push with every attempt; null when it does not exist in this account.
export async function getPush(accountId: string, pushId: string) {
  const push = await db.push.findFirst({
    where: { id: pushId, accountId },
    include: { attempts: { orderBy: { number: "asc" } }, items: { select: { deviceId: true, status: true, notificationId: true } } },
  });
  if (!push) return null;
  const redeliveries = await db.push.findMany({ where: { redeliveryOfId: push.id, accountId }, select: { id: true, state: true, createdAt: true } });
  return {
    ...push,
    redeliveries,
    attempts: push.attempts.map((attempt) => ({ ...attempt, requestHeaders: JSON.parse(attempt.requestHeaders) as Record<string, string> })),
  };
}

// Deletes what is older than the retention: succeeded pushes, test pushes, and delivered
// notifications no kept push shows. Failed and held pushes are never deleted by retention, so what
// did not arrive stays visible and can be redelivered (nothing is lost silently).
export async function deleteExpiredLogs(retentionDays: number, now = new Date()): Promise<{ pushes: number; notifications: number }> {
  const before = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
  const pushes = await db.push.deleteMany({ where: { completedAt: { lt: before }, OR: [{ state: "succeeded" }, { kind: "test" }] } });
  return { pushes: pushes.count, notifications: await deleteDeliveredNotificationsBefore(before) };
}
