import { apiRoute } from "@/lib/api/handler";
import { deleteDevice, getDevice } from "@/lib/api/operations/devices";
import { deviceJson } from "@/lib/api/serializers/devices";
import { deleteDevice as removeDevice } from "@/lib/device-events";
import { requireDevice } from "@/lib/devices";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getDevice, async ({ caller, params }) => deviceJson(await requireDevice(caller.account.id, params.device_id)));

export const DELETE = apiRoute(deleteDevice, async ({ caller, params }) => {
  await removeDevice(caller.account.id, params.device_id, caller.actor);
  return deviceJson(await requireDevice(caller.account.id, params.device_id));
});
