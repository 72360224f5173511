import { encodeCursor, decodeCursor } from "@/lib/api/cursor";
import { apiRoute } from "@/lib/api/handler";
import { createDevice, listDevices } from "@/lib/api/operations/devices";
import { deviceJson } from "@/lib/api/serializers/devices";
import { z } from "zod";
import { createDevice as enrollDevice } from "@/lib/device-events";
import { getDevice, listDevicePage } from "@/lib/devices";
import { ApiProblem } from "@/lib/api/problem";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listDevices, async ({ caller, query }) => {
  const after = query.cursor ? decodeCursor(query.cursor, z.object({ after: z.string() })).after : undefined;
  const page = await listDevicePage(caller.account.id, { status: query.status, query: query.q }, { after }, query.limit);
  return { data: page.devices.map(deviceJson), next_cursor: page.nextAfter ? encodeCursor({ after: page.nextAfter }) : null };
});

export const POST = apiRoute(createDevice, async ({ caller, body }) => {
  await enrollDevice(caller.account.id, { deviceId: body.device_id, name: body.name, platform: body.platform }, caller.actor);
  const device = await getDevice(caller.account.id, body.device_id);
  if (!device) throw new ApiProblem(404, "device_not_found", "The device was removed while it was being created.");
  return deviceJson(device);
});
