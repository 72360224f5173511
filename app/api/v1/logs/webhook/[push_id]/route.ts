import { apiRoute } from "@/lib/api/handler";
import { getWebhookPush } from "@/lib/api/operations/logs";
import { pushDetailJson } from "@/lib/api/serializers/logs";
import { getPush } from "@/lib/webhooks/event-log";
import { PushNotFoundError } from "@/lib/webhooks/pushes";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getWebhookPush, async ({ caller, params }) => {
  const push = await getPush(caller.account.id, params.push_id);
  if (!push) throw new PushNotFoundError();
  return pushDetailJson(push);
});
