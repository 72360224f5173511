// Devices of an account. Owns the devices table.
import "server-only";
import { z } from "zod";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { containsIgnoringCase, db, type Prisma } from "@/lib/db";
import { DeviceNotFoundError, isVisibleDeviceId } from "@/lib/device-events";
import type { Device } from "@/lib/generated/prisma/client";

// An id some device can have (enrolling allows no other): an id from a URL, a page cursor or a form
// that fails it names no device and is not looked up (PostgreSQL refuses NUL in a query outright).
export const deviceIdLookupSchema = z.string().min(1).max(128).refine(isVisibleDeviceId);
export const isPossibleDeviceId = (value: string) => deviceIdLookupSchema.safeParse(value).success;

export type DeviceListFilter = { query?: string; status?: DeviceStatus };

export const DEVICE_PAGE_SIZE = 50;

function deviceWhere(accountId: string, filter: DeviceListFilter): Prisma.DeviceWhereInput {
  const query = filter.query?.trim();
  return {
    accountId,
    status: filter.status,
    ...(query ? { OR: [{ deviceId: containsIgnoringCase(query) }, { name: containsIgnoringCase(query) }] } : {}),
  };
}

// Where a page of the device list starts: after a device id (next page) or before one (previous page).
export type DevicePageCursor = { after?: string; before?: string };

export type DevicePage = {
  devices: Device[];
  // The cursors of the neighbouring pages, null at either end.
  nextAfter: string | null;
  previousBefore: string | null;
};

// One page of the device list, ordered by device id. Keyset pagination on the device id, which is
// unique in an account and never changes: every device appears on exactly one page however large
// the list, and a device whose status changes while someone pages does not jump between pages (as
// it would when ordered by last update). The (account_id, device_id) unique index serves the order.
export async function listDevicePage(accountId: string, filter: DeviceListFilter = {}, cursor: DevicePageCursor = {}, limit = DEVICE_PAGE_SIZE): Promise<DevicePage> {
  const where = deviceWhere(accountId, filter);
  const backwards = cursor.before !== undefined && cursor.after === undefined;
  const rows = await db.device.findMany({
    where: {
      ...where,
      ...(backwards ? { deviceId: { lt: cursor.before } } : cursor.after !== undefined ? { deviceId: { gt: cursor.after } } : {}),
    },
    orderBy: { deviceId: backwards ? "desc" : "asc" },
    take: limit + 1,
  });
  const more = rows.length > limit;
  const devices = rows.slice(0, limit);
  if (backwards) devices.reverse();
  if (devices.length === 0) return { devices, nextAfter: null, previousBefore: null };

  const first = devices[0]!.deviceId;
  const last = devices[devices.length - 1]!.deviceId;
  // The side we came from has devices when the cursor device (or one beyond it) still matches.
  const hasBeyond = async (condition: Prisma.StringFilter) => (await db.device.findFirst({ where: { ...where, deviceId: condition }, select: { id: true } })) !== null;
  if (backwards) {
    return { devices, previousBefore: more ? first : null, nextAfter: (await hasBeyond({ gt: last })) ? last : null };
  }
  return { devices, nextAfter: more ? last : null, previousBefore: cursor.after !== undefined && (await hasBeyond({ lt: first })) ? first : null };
}

// One device of the account by its vendor-facing id; null when this account has none with that id.
export function getDevice(accountId: string, deviceId: string) {
  return db.device.findUnique({ where: { accountId_deviceId: { accountId, deviceId } } });
}

// The device, or DeviceNotFoundError: for callers (the API) that answer an unknown device with an error.
export async function requireDevice(accountId: string, deviceId: string): Promise<Device> {
  const device = await getDevice(accountId, deviceId);
  if (!device) throw new DeviceNotFoundError(deviceId);
  return device;
}

// Device counts per status, with every status present (zero when none).
export async function countDevicesByStatus(accountId: string): Promise<Record<DeviceStatus, number>> {
  const groups = await db.device.groupBy({ by: ["status"], where: { accountId }, _count: { _all: true } });
  const counts = Object.fromEntries(DEVICE_STATUSES.map((status) => [status, 0])) as Record<DeviceStatus, number>;
  for (const group of groups) {
    if (group.status in counts) counts[group.status as DeviceStatus] = group._count._all;
  }
  return counts;
}
