import { apiRoute } from "@/lib/api/handler";
import { listStatusChanges } from "@/lib/api/operations/status-changes";
import { decodeEventCursor, FIRST_EVENT_POSITION, statusChangePageJson } from "@/lib/api/serializers/devices";
import { listSettledDeviceEvents } from "@/lib/device-events";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listStatusChanges, async ({ caller, query }) => {
  const after = query.after ? decodeEventCursor(query.after, "after") : FIRST_EVENT_POSITION;
  const rows = await listSettledDeviceEvents(caller.account.id, after, query.limit + 1);
  return statusChangePageJson(rows, query.limit, after);
});
