import { apiRoute } from "@/lib/api/handler";
import { getWebhookSettings, putWebhookSettings } from "@/lib/api/operations/webhook";
import { ApiProblem } from "@/lib/api/problem";
import { webhookSettingsJson } from "@/lib/api/serializers/webhook";
import { getWebhookSettings as readSettings, saveWebhookSettings } from "@/lib/webhooks/settings";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getWebhookSettings, async ({ caller }) => {
  const settings = await readSettings(caller.account.id);
  if (!settings) throw new ApiProblem(404, "webhook_not_configured", "The webhook is not configured yet. Create it with PUT /api/v1/integrations/webhook.");
  return webhookSettingsJson(settings);
});

export const PUT = apiRoute(putWebhookSettings, async ({ caller, body }) => {
  const input = { callbackUrl: body.callback_url, apiKey: body.api_key, events: [...new Set(body.events)], enabled: body.enabled };
  const { signingSecret } = await saveWebhookSettings(caller.account, input, caller.actor);
  const settings = (await readSettings(caller.account.id))!;
  return { ...webhookSettingsJson(settings), created: signingSecret !== null, signing_secret: signingSecret };
});
