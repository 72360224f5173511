import { apiRoute } from "@/lib/api/handler";
import { setDeviceStatus } from "@/lib/api/operations/devices";
import { deviceStatusChangeJson } from "@/lib/api/serializers/devices";
import { changeDeviceStatus, findDeviceEvent } from "@/lib/device-events";

export const dynamic = "force-dynamic";

export const POST = apiRoute(setDeviceStatus, async ({ caller, params, body }) => {
  const accountId = caller.account.id;
  const change = await changeDeviceStatus(accountId, params.device_id, body.status, caller.actor);
  // Unchanged: the answer is the event that set the status the device already has.
  const event = await findDeviceEvent(accountId, change.eventId ? { id: change.eventId } : { deviceId: params.device_id, status: body.status });
  // Every status a device has was set by an event of the same transaction: none is our bug (a 500).
  if (!event) throw new Error(`No device event records the status ${body.status} of this device.`);
  return deviceStatusChangeJson(event, change.changed);
});
