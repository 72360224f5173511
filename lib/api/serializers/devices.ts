// Domain rows as the API shows them: snake_case fields, ISO timestamps.
import "server-only";
import type { DeviceStatus } from "@/lib/contract/statuses";
import type { Device } from "@/lib/generated/prisma/client";

export function deviceJson(device: Device) {
  return {
    device_id: device.deviceId,
    name: device.name,
    platform: device.platform,
    status: device.status as DeviceStatus,
    created_at: device.createdAt.toISOString(),
    updated_at: device.updatedAt.toISOString(),
  };
}
