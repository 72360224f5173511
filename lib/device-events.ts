// Device status changes: the one service the console, the API and the simulator use. A change writes
// the device's status, a device event and, when the webhook is subscribed, its notification, in one
// transaction. Owns the device_events table.
import "server-only";
import { z } from "zod";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { newTimeOrderedId } from "@/lib/ids";
import { commitSqlTransaction, IN_LIST, listParam, type Sql, type SqlParam } from "@/lib/sql";
import { groupCommit } from "@/lib/group-commit";
import { env } from "@/lib/env";
import { newNotification, outboxStateFor, type NewNotification } from "@/lib/webhooks/outbox";
import { publishPushChange } from "@/lib/webhooks/live";
import { processDispatcher } from "@/lib/webhooks/dispatcher";
import { writeNotificationsOfChanges, type LeasedPush } from "@/lib/webhooks/pushes";
import { signalNewWork } from "@/lib/webhooks/wake";

// Device text must read back as it was typed: control characters (NUL cannot even be stored in
// PostgreSQL) and unpaired surrogates (not UTF-8) are refused everywhere; an id also may not hide
// characters that are invisible or turn text around (zero-width, bidi overrides), so it reads as what it is.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;
const INVISIBLE_OR_UNPRINTABLE = /[\p{Cc}\p{Cs}\p{Cf}]/u;
export const isPrintableText = (text: string) => !UNPRINTABLE.test(text);
export const isVisibleDeviceId = (deviceId: string) => !INVISIBLE_OR_UNPRINTABLE.test(deviceId);
export const PRINTABLE_TEXT_MESSAGE = "Use printable characters only (no control characters).";
export const VISIBLE_DEVICE_ID_MESSAGE = "Use visible characters only (no control, zero-width or direction-changing characters).";

export const newDeviceSchema = z.object({
  deviceId: z.string().trim().min(1, "Enter the device id.").max(128, "Use at most 128 characters.").refine(isVisibleDeviceId, VISIBLE_DEVICE_ID_MESSAGE),
  name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters.").refine(isPrintableText, PRINTABLE_TEXT_MESSAGE),
  platform: z.string().trim().min(1, "Enter the platform.").max(100, "Use at most 100 characters.").refine(isPrintableText, PRINTABLE_TEXT_MESSAGE),
});

export class DeviceNotFoundError extends Error {
  constructor(readonly deviceId: string) {
    super(`No device with id ${deviceId} in this account.`);
  }
}

export class DeviceExistsError extends Error {
  constructor(readonly deviceId: string) {
    super(`A device with id ${deviceId} already exists in this account.`);
  }
}

export type StatusChange = { changed: boolean; eventId: string | null; notified: boolean };

// How long a status change's transaction may run before Prisma rolls it back (Prisma's default, stated
// because the status-changes poll depends on it). An event is stamped once its transaction has started
// (on SQLite: holds the write lock), so it commits within this time of its occurred_at, or never.
export const STATUS_CHANGE_TIMEOUT_MS = 5_000;

type DeviceRow = { id: string; account_id: string; device_id: string; status: string };
type IntegrationRow = { account_id: string; enabled: boolean | number; disabled_reason: string | null; events: string };

type ChangeRequest = {
  accountId: string;
  deviceId: string;
  status: DeviceStatus;
  actor: string;
  // When the change happened, for changes recorded after the fact (seed data); by default the moment
  // its transaction applies it, so that waiting for the database does not age the event.
  at: Date | undefined;
  create?: { name: string; platform: string };
};

// What a group's changes read once, up front, and write once, at the end: its devices (kept up to
// date as its changes apply, so a device changed twice in one group reads its first change), its
// accounts' webhooks, its devices' new statuses and its device events. On PostgreSQL every statement
// is a round trip.
type GroupState = {
  devices: Map<string, { id: string; status: string }>;
  // By the device's row id: its status and update time after the group's last change of it.
  statuses: Map<string, [string, Date]>;
  integrations: Map<string, IntegrationRow>;
  events: SqlParam[][];
  notifications: NewNotification[];
};

const deviceKey = (accountId: string, deviceId: string) => `${accountId}\u0000${deviceId}`;

async function readGroupState(sql: Sql, group: ChangeRequest[]): Promise<GroupState> {
  const accountIds = [...new Set(group.map((request) => request.accountId))];
  // Every device of the group in one statement (with any device of one of its accounts that has the
  // id of another's: looked up by account and id, it is never read).
  const rows = await sql.all<DeviceRow>(`SELECT id, account_id, device_id, status FROM devices WHERE account_id ${IN_LIST} AND device_id ${IN_LIST}`, [
    listParam(accountIds),
    listParam([...new Set(group.map((request) => request.deviceId))]),
  ]);
  const devices: GroupState["devices"] = new Map(rows.map((row) => [deviceKey(row.account_id, row.device_id), { id: row.id, status: row.status }]));
  const integrationRows = await sql.all<IntegrationRow>(`SELECT account_id, enabled, disabled_reason, events FROM webhook_integrations WHERE account_id ${IN_LIST}`, [listParam(accountIds)]);
  return { devices, integrations: new Map(integrationRows.map((row) => [row.account_id, row])), statuses: new Map(), events: [], notifications: [] };
}

const EVENT_COLUMNS = ["id", "account_id", "device_id", "previous_status", "status", "actor", "occurred_at"];

// One change of a group, on the hot path's prepared SQL (lib/sql.ts): an enrollment inserts its device
// at once (the unique index decides between two at once); the device's new status, its event and
// notification go into the group's state, for the group to write. A domain error (no such device,
// already exists) is thrown before the change writes anything.
async function applyStatusChange(sql: Sql, { accountId, deviceId, status, actor, at, create }: ChangeRequest, group: GroupState): Promise<StatusChange> {
  const now = at ?? new Date();
  const device = group.devices.get(deviceKey(accountId, deviceId));
  if (create && device) throw new DeviceExistsError(deviceId);
  if (!create && !device) throw new DeviceNotFoundError(deviceId);
  if (device?.status === status) return { changed: false, eventId: null, notified: false };
  const previousStatus = device?.status ?? null;

  if (create) {
    // Two enrollments of one id at once: the unique index decides, the loser hears it exists.
    const id = newTimeOrderedId();
    const inserted = await sql.run(
      `INSERT INTO devices (id, account_id, device_id, name, platform, status, last_seen_at, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, device_id) DO NOTHING`,
      [id, accountId, deviceId, create.name, create.platform, status, now, now, now],
    );
    if (inserted === 0) throw new DeviceExistsError(deviceId);
    group.devices.set(deviceKey(accountId, deviceId), { id, status });
  } else {
    group.statuses.set(device!.id, [status, new Date()]);
    device!.status = status;
  }

  const eventId = newTimeOrderedId();
  group.events.push([eventId, accountId, deviceId, previousStatus, status, actor, now]);
  const integration = group.integrations.get(accountId);
  const state = outboxStateFor(integration ? { enabled: Boolean(integration.enabled), disabledReason: integration.disabled_reason, events: integration.events } : null, status);
  if (state) group.notifications.push(newNotification({ id: eventId, accountId, deviceId, status, occurredAt: now }, state));
  return { changed: true, eventId, notified: state === "pending" };
}

const isDomainError = (error: unknown) => error instanceof DeviceNotFoundError || error instanceof DeviceExistsError;

type ChangeOutcome = { change: StatusChange } | { error: unknown };
// A change's outcome once its group has committed, and when that commit is on disk.
type CommittedOutcome = { outcome: ChangeOutcome; onDisk: Promise<void> };

// Changes requested together (concurrent API calls, the simulator) share one transaction: one
// commit, whose fsync is most of a change's cost, for the group; their notifications are written
// last, straight into pushes where they can be. A change that fails for its own reason fails alone;
// if the shared transaction fails, each change runs again in one of its own. The next group goes on
// while this one's commit syncs.
async function applyStatusChanges(requests: ChangeRequest[]): Promise<CommittedOutcome[]> {
  // A dispatcher running in this process takes the pushes formed here as they are written.
  const dispatcher = processDispatcher();
  let waiting = false;
  const applyAll = async (group: ChangeRequest[]): Promise<CommittedOutcome[]> => {
    let leased: LeasedPush[] = [];
    const committing = commitSqlTransaction(async (sql) => {
      const outcomes: ChangeOutcome[] = [];
      const state = await readGroupState(sql, group);
      for (const request of group) {
        try {
          outcomes.push({ change: await applyStatusChange(sql, request, state) });
        } catch (error) {
          if (!isDomainError(error)) throw error;
          outcomes.push({ error });
        }
      }
      await sql.update("devices", { keys: { id: "text" }, set: { status: "text", updated_at: "timestamp" } }, [...state.statuses].map(([id, values]) => [id, ...values]));
      await sql.insert("device_events", EVENT_COLUMNS, state.events);
      const written = await writeNotificationsOfChanges(sql, state.notifications, env.WEBHOOK_MAX_BATCH, new Date(), dispatcher);
      leased = written.leased;
      waiting ||= written.waiting;
      return outcomes;
    }, { timeout: STATUS_CHANGE_TIMEOUT_MS });
    const { result, onDisk } = await committing.catch((error: unknown) => {
      dispatcher?.releaseSlots(leased);
      throw error;
    });
    dispatcher?.sendLeased(leased);
    return result.map((outcome) => ({ outcome, onDisk }));
  };
  const failed = (error: unknown): CommittedOutcome => ({ outcome: { error }, onDisk: Promise.resolve() });
  let committed: CommittedOutcome[];
  try {
    committed = await applyAll(requests);
  } catch (error) {
    if (requests.length === 1) return [failed(error)];
    committed = [];
    for (const request of requests) committed.push(...(await applyAll([request]).catch((alone: unknown) => [failed(alone)])));
  }
  const notified = notificationsByAccount(requests, committed.map(({ outcome }) => outcome));
  for (const accountId of notified.keys()) publishPushChange(accountId);
  if (waiting) signalNewWork();
  return committed;
}

// How many notifications the changes of a group queued, by account.
function notificationsByAccount(requests: ChangeRequest[], outcomes: ChangeOutcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  requests.forEach(({ accountId }, index) => {
    const outcome = outcomes[index];
    if (outcome && "change" in outcome && outcome.change.notified) counts.set(accountId, (counts.get(accountId) ?? 0) + 1);
  });
  return counts;
}

const recordInGroup = groupCommit(applyStatusChanges);

async function recordStatusChange(
  accountId: string,
  deviceId: string,
  status: DeviceStatus,
  actor: string,
  at: Date | undefined,
  create?: { name: string; platform: string },
): Promise<StatusChange> {
  const { outcome, onDisk } = await recordInGroup({ accountId, deviceId, status, actor, at, create });
  if ("error" in outcome) throw outcome.error;
  await onDisk;
  return outcome.change;
}

// Sets a device's status. Setting the status it already has records nothing.
export function changeDeviceStatus(accountId: string, deviceId: string, status: DeviceStatus, actor: string, now?: Date) {
  return recordStatusChange(accountId, deviceId, status, actor, now);
}

// Enrolls a device: its first status is `installed`.
export async function createDevice(accountId: string, input: z.input<typeof newDeviceSchema>, actor: string, now?: Date) {
  const data = newDeviceSchema.parse(input);
  return recordStatusChange(accountId, data.deviceId, "installed", actor, now, { name: data.name, platform: data.platform });
}

// Removes a device: its status becomes `deleted`; the row and its history stay for the logs.
export function deleteDevice(accountId: string, deviceId: string, actor: string, now?: Date) {
  return recordStatusChange(accountId, deviceId, "deleted", actor, now);
}

// A device event's place in the (occurred_at, id) order that the API's cursors name.
export type EventPosition = { occurredAt: Date; id: string };

// Every event older than this has committed: the transaction timeout above, plus a second for the
// commit itself and for clock differences between processes. The status-changes poll serves only these.
export const EVENT_SETTLE_MS = STATUS_CHANGE_TIMEOUT_MS + 1_000;

const withNotificationState = { notification: { select: { state: true } } } as const;

// One event of the account, with its notification's state: by id, or a device's latest with a status.
export function findDeviceEvent(accountId: string, match: { id: string } | { deviceId: string; status: DeviceStatus }) {
  return db.deviceEvent.findFirst({ where: { accountId, ...match }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], include: withNotificationState });
}

// A device's status history, newest first, after `before`, with each notification's state.
export function listDeviceHistoryPage(accountId: string, deviceId: string, before: EventPosition | null, take: number) {
  return db.deviceEvent.findMany({
    where: { accountId, deviceId, ...(before ? { occurredAt: { lte: before.occurredAt }, NOT: { occurredAt: before.occurredAt, id: { gte: before.id } } } : {}) },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take,
    include: withNotificationState,
  });
}

// The account's settled events after `after`, oldest first. Only settled ones: a later commit can
// still bring an event stamped within the last EVENT_SETTLE_MS, which a cursor past it would skip.
// One range scan of the (account_id, occurred_at) index.
export function listSettledDeviceEvents(accountId: string, after: EventPosition | null, take: number, now = new Date()) {
  const settledBefore = new Date(now.getTime() - EVENT_SETTLE_MS);
  return db.deviceEvent.findMany({
    where: {
      accountId,
      occurredAt: { lt: settledBefore, ...(after ? { gte: after.occurredAt } : {}) },
      ...(after ? { NOT: { occurredAt: after.occurredAt, id: { lte: after.id } } } : {}),
    },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    take,
    select: { id: true, deviceId: true, previousStatus: true, status: true, occurredAt: true },
  });
}

export function listDeviceEvents(accountId: string, options: { deviceId?: string; take?: number } = {}) {
  return db.deviceEvent.findMany({
    where: { accountId, deviceId: options.deviceId },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: options.take ?? 100,
  });
}

export { DEVICE_STATUSES };
