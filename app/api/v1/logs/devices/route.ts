import { apiRoute } from "@/lib/api/handler";
import { listDeviceLog } from "@/lib/api/operations/logs";
import { deviceEventJson } from "@/lib/api/serializers/devices";
import { logPageJson, pageKeyOf } from "@/lib/api/serializers/logs";
import { isTimeKey, listDeviceEventPage } from "@/lib/webhooks/event-log";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listDeviceLog, async ({ caller, query }) => {
  const page = await listDeviceEventPage(caller.account.id, { deviceId: query.device_id }, { before: pageKeyOf(query.cursor, isTimeKey) }, query.limit);
  return logPageJson(page.events, deviceEventJson, page.older);
});
