import { apiRoute } from "@/lib/api/handler";
import { listAdminLog } from "@/lib/api/operations/logs";
import { auditEntryJson, logPageJson, pageKeyOf } from "@/lib/api/serializers/logs";
import { isTimeKey, listAuditPage } from "@/lib/webhooks/event-log";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listAdminLog, async ({ caller, query }) => {
  const page = await listAuditPage(caller.account.id, { before: pageKeyOf(query.cursor, isTimeKey) }, query.limit);
  return logPageJson(page.entries, auditEntryJson, page.older);
});
