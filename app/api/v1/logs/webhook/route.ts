import { apiRoute } from "@/lib/api/handler";
import { listWebhookLog } from "@/lib/api/operations/logs";
import { logPageJson, pageKeyOf, pushFilterOf, pushSummaryJson } from "@/lib/api/serializers/logs";
import { isPushId, listPushes } from "@/lib/webhooks/event-log";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listWebhookLog, async ({ caller, query }) => {
  const page = await listPushes(caller.account.id, pushFilterOf(query), pageKeyOf(query.cursor, isPushId), query.limit);
  return logPageJson(page.pushes, pushSummaryJson, page.nextCursor);
});
