// Devices: list, enroll, read, delete, change status, status history.
import { z } from "zod";
import { isPrintableText, isVisibleDeviceId, newDeviceSchema, PRINTABLE_TEXT_MESSAGE } from "@/lib/device-events";
import { defineOperation } from "../operation";
import { deviceStatusSchema, listOf, named, pageQuerySchema, timestampSchema } from "../schemas";

export const deviceSchema = named(
  "Device",
  "A managed device of the account.",
  z.object({
    device_id: z.string().describe("The vendor-facing id, as carried in callbacks."),
    name: z.string().describe("A name people recognise, e.g. Reception laptop."),
    platform: z.string().describe("Operating system or device family, e.g. macOS 15."),
    status: deviceStatusSchema,
    created_at: timestampSchema,
    updated_at: timestampSchema,
  }),
);

export const newDeviceBodySchema = named(
  "NewDevice",
  "A device to enroll; it starts as installed.",
  z.strictObject({
    device_id: newDeviceSchema.shape.deviceId.describe("The vendor-facing id: visible characters, no control, zero-width or direction-changing ones."),
    name: newDeviceSchema.shape.name.describe("A name people recognise, e.g. Reception laptop."),
    platform: newDeviceSchema.shape.platform.describe("Operating system or device family, e.g. macOS 15."),
  }),
);

export const deviceEventSchema = named(
  "DeviceEvent",
  "One status change of a device, as its history records it.",
  z.object({
    id: z.string().describe("The event's id."),
    device_id: z.string(),
    previous_status: deviceStatusSchema.nullable().describe("The status before; null for the enrollment."),
    status: deviceStatusSchema,
    occurred_at: timestampSchema.describe("When the status changed; the callback's timestamp, as RFC 3339."),
    actor: z.string().describe("Who made the change: a user's email, an API token (\"api:\" and the token's name and prefix) or a process such as the simulator."),
    notified: z.boolean().describe("Whether a webhook notification of this change was queued for delivery (false when the webhook is off, not subscribed to this status, or the notification is held)."),
  }),
);

export const deviceStatusChangeSchema = named(
  "DeviceStatusChange",
  "The answer to a status change: the event that recorded it, and whether this request changed anything.",
  deviceEventSchema.extend({
    changed: z.boolean().describe("false when the device already had this status: nothing was recorded or notified, and the event is the one that set it."),
  }),
);

export const deviceStatusBodySchema = named(
  "DeviceStatusUpdate",
  "The status to set.",
  z.strictObject({ status: deviceStatusSchema }),
);

export const deviceIdParams = z.object({
  device_id: z.string().min(1).max(128, "No device has an id that long.").refine(isVisibleDeviceId, "No device has an id like that.").describe("The device's vendor-facing id (URL-encoded)."),
});

export const listDevices = defineOperation({
  operationId: "listDevices",
  method: "GET",
  path: "/devices",
  tag: "Devices",
  summary: "List devices",
  description: "Devices ordered by device_id, optionally filtered by status or a search in id and name.",
  scope: "devices:read",
  query: pageQuerySchema.extend({
    status: deviceStatusSchema.optional().describe("Only devices with this status."),
    q: z.string().trim().max(128).refine(isPrintableText, PRINTABLE_TEXT_MESSAGE).optional().describe("Search in device id and name."),
  }),
  success: { status: 200, description: "A page of devices.", schema: listOf("DeviceList", "A page of devices.", deviceSchema) },
});

export const createDevice = defineOperation({
  operationId: "createDevice",
  method: "POST",
  path: "/devices",
  tag: "Devices",
  summary: "Enroll a device",
  description: "Creates the device with status installed; this is a status change and notifies the webhook when subscribed.",
  scope: "devices:write",
  body: newDeviceBodySchema,
  success: { status: 201, description: "The device.", schema: deviceSchema },
  errors: [409],
});

export const getDevice = defineOperation({
  operationId: "getDevice",
  method: "GET",
  path: "/devices/{device_id}",
  tag: "Devices",
  summary: "Get a device",
  description: "One device of the account by its device_id, URL-encoded in the path (a space as %20, a slash as %2F). Deleted devices stay readable, with status deleted.",
  scope: "devices:read",
  params: deviceIdParams,
  success: { status: 200, description: "The device.", schema: deviceSchema },
});

export const deleteDevice = defineOperation({
  operationId: "deleteDevice",
  method: "DELETE",
  path: "/devices/{device_id}",
  tag: "Devices",
  summary: "Delete a device",
  description:
    "Sets the device's status to deleted, like Delete in the console: a status change that notifies the webhook when it is subscribed to deleted. " +
    "The device and its history stay, so the logs keep their meaning. Deleting a deleted device changes nothing and answers the device again.",
  scope: "devices:write",
  params: deviceIdParams,
  success: { status: 200, description: "The device, now deleted.", schema: deviceSchema },
});

export const setDeviceStatus = defineOperation({
  operationId: "setDeviceStatus",
  method: "POST",
  path: "/devices/{device_id}/status",
  tag: "Devices",
  summary: "Change a device's status",
  description:
    "Records the status change, its device event and, when the webhook is subscribed to the new status, its notification, in one transaction. " +
    "Answers the event; notified says whether a callback was queued. Setting the status the device already has records nothing and notifies no one: " +
    "the answer is 200 with changed false and the event that set that status. Setting deleted is the same as DELETE.",
  scope: "devices:write",
  params: deviceIdParams,
  body: deviceStatusBodySchema,
  success: { status: 200, description: "The status change.", schema: deviceStatusChangeSchema },
});

export const listDeviceHistory = defineOperation({
  operationId: "listDeviceHistory",
  method: "GET",
  path: "/devices/{device_id}/events",
  tag: "Devices",
  summary: "List a device's status history",
  description: "The device's status changes, newest first, from its enrollment on.",
  scope: "devices:read",
  params: deviceIdParams,
  query: pageQuerySchema,
  success: { status: 200, description: "A page of the device's events.", schema: listOf("DeviceEventList", "A page of device events, newest first.", deviceEventSchema) },
});

export const DEVICE_OPERATIONS = [listDevices, createDevice, getDevice, deleteDevice, setDeviceStatus, listDeviceHistory];
