// Devices of an account. Owns the devices table.
import "server-only";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";

export type DeviceListFilter = { query?: string; status?: DeviceStatus };

export const DEVICE_PAGE_SIZE = 50;

export function listDevices(accountId: string, filter: DeviceListFilter = {}, take = DEVICE_PAGE_SIZE) {
  const query = filter.query?.trim();
  return db.device.findMany({
    where: {
      accountId,
      status: filter.status,
      ...(query ? { OR: [{ deviceId: { contains: query } }, { name: { contains: query } }] } : {}),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take,
  });
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
