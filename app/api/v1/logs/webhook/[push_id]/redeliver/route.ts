import { apiRoute } from "@/lib/api/handler";
import { redeliverWebhookPush } from "@/lib/api/operations/logs";
import { redeliverPush } from "@/lib/webhooks/pushes";

export const dynamic = "force-dynamic";

export const POST = apiRoute(redeliverWebhookPush, async ({ caller, params }) => {
  const pushId = await redeliverPush(caller.account.id, params.push_id, caller.actor);
  return { push_id: pushId, redelivery_of: params.push_id };
});
