// Domain rows as the API shows them: snake_case fields, ISO timestamps.
import "server-only";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "@/lib/api/cursor";
import type { DeviceStatus } from "@/lib/contract/statuses";
import type { EventPosition } from "@/lib/device-events";
import type { Device, DeviceEvent } from "@/lib/generated/prisma/client";

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

type EventWithNotification = DeviceEvent & { notification: { state: string } | null };
type EventFields = Pick<DeviceEvent, "id" | "deviceId" | "previousStatus" | "status" | "occurredAt">;

function eventFields(event: EventFields) {
  return {
    id: event.id,
    device_id: event.deviceId,
    previous_status: event.previousStatus as DeviceStatus | null,
    status: event.status as DeviceStatus,
    occurred_at: event.occurredAt.toISOString(),
  };
}

// `notified`: a notification was queued for delivery. A held one waits for the webhook to be re-enabled.
export function deviceEventJson(event: EventWithNotification) {
  return { ...eventFields(event), actor: event.actor, notified: event.notification !== null && event.notification.state !== "held" };
}

export function deviceStatusChangeJson(event: EventWithNotification, changed: boolean) {
  return { ...deviceEventJson(event), changed };
}

// A status change as pollers see it: the event with the callback's timestamp (Unix ms).
export function statusChangeJson(event: EventFields) {
  return { ...eventFields(event), timestamp: event.occurredAt.getTime() };
}

// Before every event: where a poll without a cursor starts.
export const FIRST_EVENT_POSITION: EventPosition = { occurredAt: new Date(0), id: "" };

// t: Unix ms within the range a Date can hold.
const eventCursorSchema = z.object({ t: z.number().int().min(0).max(8.64e15), id: z.string().max(64) });

export function encodeEventCursor(position: EventPosition): string {
  return encodeCursor({ t: position.occurredAt.getTime(), id: position.id });
}

// An event cursor from `?<parameter>=`; one that is not ours is a 400 naming that parameter.
export function decodeEventCursor(cursor: string, parameter: "cursor" | "after"): EventPosition {
  const { t, id } = decodeCursor(cursor, eventCursorSchema, parameter);
  return { occurredAt: new Date(t), id };
}

// A page of history from `limit + 1` rows (the extra one only says there is a next page).
export function deviceEventPageJson(rows: EventWithNotification[], limit: number) {
  const page = rows.slice(0, limit);
  return { data: page.map(deviceEventJson), next_cursor: rows.length > limit ? encodeEventCursor(page.at(-1)!) : null };
}

// A poll's answer from `limit + 1` rows. With nothing new, next_cursor repeats `after`, so the same poll
// gives the same body (and ETag) until a change settles.
export function statusChangePageJson(rows: EventFields[], limit: number, after: EventPosition) {
  const page = rows.slice(0, limit);
  return { data: page.map(statusChangeJson), next_cursor: encodeEventCursor(page.at(-1) ?? after), has_more: rows.length > limit };
}
