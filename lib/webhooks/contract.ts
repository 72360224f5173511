// The callback contract: the JSON body vendors receive. Client-safe (no server imports).
// Fields may be added, never renamed: receivers match on these names.
import { z } from "zod";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";

// Loose on purpose: a receiver validating with it must accept fields added later.
export const notificationPayloadSchema = z.looseObject({
  device_id: z.string(),
  status: z.enum(DEVICE_STATUSES),
  timestamp: z.number().int().describe("Unix time in milliseconds of the status change"),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

// One push carries one or more notifications of one account.
export const pushBodySchema = z.array(notificationPayloadSchema).min(1);

export function buildPushBody(notifications: { deviceId: string; status: string; occurredAt: Date }[]): string {
  const payload = notifications.map((notification) => ({
    device_id: notification.deviceId,
    status: notification.status,
    timestamp: notification.occurredAt.getTime(),
  }));
  return JSON.stringify(payload);
}

// What "Send test" pushes: one realistic notification that names itself as a test.
export function sampleTestBody(now: Date): string {
  return buildPushBody([{ deviceId: "TEST-DEVICE-0000", status: "compliant", occurredAt: now }]);
}
