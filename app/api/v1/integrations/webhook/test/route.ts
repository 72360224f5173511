import { apiRoute } from "@/lib/api/handler";
import { testWebhook } from "@/lib/api/operations/webhook";
import { ApiProblem } from "@/lib/api/problem";
import { testPushJson } from "@/lib/api/serializers/webhook";
import { getWebhookSettings, WebhookSettingsError } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";

export const dynamic = "force-dynamic";

export const POST = apiRoute(testWebhook, async ({ caller }) => {
  if (caller.account.plan !== "enterprise") throw new ApiProblem(403, "plan_required", "Webhooks are an enterprise-plan feature. Upgrade the account to use them.");
  if (!(await getWebhookSettings(caller.account.id))) throw new WebhookSettingsError(null, "Configure the webhook before testing it.", "not_configured");
  try {
    return testPushJson(await sendTestPush(caller.account.id));
  } catch (error) {
    // The saved URL is refused by the network policy now in force: the stored settings need changing.
    if (error instanceof WebhookSettingsError && error.field) throw new ApiProblem(409, "callback_url_refused", `${error.message} Change the saved callback URL with PUT.`);
    throw error;
  }
});
