import { apiRoute } from "@/lib/api/handler";
import { enableWebhook } from "@/lib/api/operations/webhook";
import { webhookSettingsJson } from "@/lib/api/serializers/webhook";
import { getWebhookSettings, setWebhookEnabled } from "@/lib/webhooks/settings";

export const dynamic = "force-dynamic";

export const POST = apiRoute(enableWebhook, async ({ caller, body }) => {
  const { released, redelivered } = await setWebhookEnabled(caller.account, true, caller.actor, { deliverHeld: body.deliver_held ?? false });
  const settings = (await getWebhookSettings(caller.account.id))!;
  return { webhook: webhookSettingsJson(settings), released_notifications: released, redelivered_pushes: redelivered };
});
