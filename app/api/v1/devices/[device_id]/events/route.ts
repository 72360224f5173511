import { apiRoute } from "@/lib/api/handler";
import { listDeviceHistory } from "@/lib/api/operations/devices";
import { decodeEventCursor, deviceEventPageJson } from "@/lib/api/serializers/devices";
import { listDeviceHistoryPage } from "@/lib/device-events";
import { requireDevice } from "@/lib/devices";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listDeviceHistory, async ({ caller, params, query }) => {
  const before = query.cursor ? decodeEventCursor(query.cursor, "cursor") : null;
  await requireDevice(caller.account.id, params.device_id);
  const rows = await listDeviceHistoryPage(caller.account.id, params.device_id, before, query.limit + 1);
  return deviceEventPageJson(rows, query.limit);
});
