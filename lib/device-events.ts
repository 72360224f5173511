// Device status changes: the one service the console, the API and the simulator use. A change writes
// the device's status, a device event and, when the webhook is subscribed, its notification, in one
// transaction. Owns the device_events table.
import "server-only";
import { z } from "zod";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { enqueueNotification, outboxStateFor } from "@/lib/webhooks/outbox";
import { signalNewWork } from "@/lib/webhooks/wake";

export const newDeviceSchema = z.object({
  deviceId: z.string().trim().min(1, "Enter the device id.").max(128, "Use at most 128 characters."),
  name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters."),
  platform: z.string().trim().min(1, "Enter the platform.").max(100, "Use at most 100 characters."),
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

async function recordStatusChange(
  accountId: string,
  deviceId: string,
  status: DeviceStatus,
  actor: string,
  now: Date,
  create?: { name: string; platform: string },
): Promise<StatusChange> {
  const result = await db.$transaction(async (tx) => {
    const device = await tx.device.findUnique({ where: { accountId_deviceId: { accountId, deviceId } } });
    if (create && device) throw new DeviceExistsError(deviceId);
    if (!create && !device) throw new DeviceNotFoundError(deviceId);
    if (device?.status === status) return { changed: false, eventId: null, notified: false };

    if (create) await tx.device.create({ data: { accountId, deviceId, name: create.name, platform: create.platform, status, lastSeenAt: now } });
    else await tx.device.update({ where: { id: device!.id }, data: { status } });

    const event = await tx.deviceEvent.create({
      data: { accountId, deviceId, previousStatus: device?.status ?? null, status, actor, occurredAt: now },
    });
    const integration = await tx.webhookIntegration.findUnique({ where: { accountId }, select: { enabled: true, disabledReason: true, events: true } });
    const state = outboxStateFor(integration, status);
    if (state) await enqueueNotification(tx, { ...event, deviceId }, state);
    return { changed: true, eventId: event.id, notified: state === "pending" };
  });
  if (result.notified) signalNewWork();
  return result;
}

// Sets a device's status. Setting the status it already has records nothing.
export function changeDeviceStatus(accountId: string, deviceId: string, status: DeviceStatus, actor: string, now = new Date()) {
  return recordStatusChange(accountId, deviceId, status, actor, now);
}

// Enrolls a device: its first status is `installed`.
export async function createDevice(accountId: string, input: z.input<typeof newDeviceSchema>, actor: string, now = new Date()) {
  const data = newDeviceSchema.parse(input);
  try {
    return await recordStatusChange(accountId, data.deviceId, "installed", actor, now, { name: data.name, platform: data.platform });
  } catch (error) {
    // Two enrollments of one id at once: the unique index decides, the loser hears it exists.
    if ((error as { code?: string }).code === "P2002") throw new DeviceExistsError(data.deviceId);
    throw error;
  }
}

// Removes a device: its status becomes `deleted`; the row and its history stay for the logs.
export function deleteDevice(accountId: string, deviceId: string, actor: string, now = new Date()) {
  return recordStatusChange(accountId, deviceId, "deleted", actor, now);
}

export function listDeviceEvents(accountId: string, options: { deviceId?: string; take?: number } = {}) {
  return db.deviceEvent.findMany({
    where: { accountId, deviceId: options.deviceId },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: options.take ?? 100,
  });
}

export { DEVICE_STATUSES };
