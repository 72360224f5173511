// Devices: list, enroll, read, delete, change status, status history.
import { z } from "zod";
import { defineOperation } from "../operation";
import { deviceStatusSchema, listOf, named, pageQuerySchema, timestampSchema } from "../schemas";

export const deviceSchema = named(
  "Device",
  "A managed device of the account.",
  z.object({
    device_id: z.string().describe("The vendor-facing id, as carried in callbacks."),
    name: z.string(),
    platform: z.string(),
    status: deviceStatusSchema,
    created_at: timestampSchema,
    updated_at: timestampSchema,
  }),
);

export const newDeviceBodySchema = named(
  "NewDevice",
  "A device to enroll; it starts as installed.",
  z.strictObject({
    device_id: z.string().trim().min(1, "Enter the device id.").max(128, "Use at most 128 characters."),
    name: z.string().trim().min(1, "Enter a name.").max(200, "Use at most 200 characters."),
    platform: z.string().trim().min(1, "Enter the platform.").max(100, "Use at most 100 characters."),
  }),
);

export const deviceIdParams = z.object({ device_id: z.string().min(1).max(128, "No device has an id that long.").describe("The device's vendor-facing id (URL-encoded).") });

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
    q: z.string().trim().max(128).optional().describe("Search in device id and name."),
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

export const DEVICE_OPERATIONS = [listDevices, createDevice];
