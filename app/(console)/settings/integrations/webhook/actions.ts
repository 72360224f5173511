"use server";
// The webhook settings mutations: validate, re-check the role on the server, call the service,
// refresh the pages that show the integration, and answer the form in plain words.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { SecretFormState, TestPushFormState } from "@/components/webhook/form-states";
import { authorizeSettingsChange } from "@/lib/auth/session";
import type { FormState } from "@/lib/form-state";
import { rotateSigningSecret, saveWebhookSettings, setWebhookEnabled, webhookSettingsSchema, WebhookSettingsError } from "@/lib/webhooks/settings";
import { sendTestPush } from "@/lib/webhooks/test-push";

const CHECK_FIELDS = "Check the highlighted fields.";
const PLAN_REQUIRED = "Webhooks are an enterprise-plan feature. Upgrade the account to use them.";
const testSchema = webhookSettingsSchema.pick({ callbackUrl: true, apiKey: true });
const reenableSchema = z.object({ deliverHeld: z.stringbool().default(false) });

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

function invalid(error: z.ZodError): FormState {
  return { status: "error", message: CHECK_FIELDS, fieldErrors: z.flattenError(error).fieldErrors };
}

// A service refusal goes next to its field (SSRF reasons to the callback URL, plan_required to Enable).
function refusal(error: unknown): FormState {
  if (!(error instanceof WebhookSettingsError)) throw error;
  if (!error.field) return { status: "error", message: error.message };
  return { status: "error", message: CHECK_FIELDS, fieldErrors: { [error.field]: [error.message] } };
}

function refreshIntegrationPages(): void {
  revalidatePath("/settings/integrations/webhook");
  revalidatePath("/dashboard");
}

export async function saveWebhookAction(_previous: SecretFormState, formData: FormData): Promise<SecretFormState> {
  const parsed = webhookSettingsSchema.safeParse({
    callbackUrl: text(formData, "callbackUrl"),
    apiKey: text(formData, "apiKey"),
    events: formData.getAll("events").filter((value) => typeof value === "string"),
    enabled: formData.get("enabled") === "on",
  });
  if (!parsed.success) return invalid(parsed.error);
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  let signingSecret: string | null;
  try {
    ({ signingSecret } = await saveWebhookSettings(user.account, parsed.data, user.email));
  } catch (error) {
    return refusal(error);
  }
  refreshIntegrationPages();
  if (!signingSecret) return { status: "success", message: "Webhook settings saved.", savedAt: Date.now() };
  return { status: "success", message: "Webhook created. Copy its signing secret now: it is shown only once.", signingSecret, savedAt: Date.now() };
}

// Sends to the URL and key in the form, saved or not; an empty key field means the stored key.
export async function sendTestPushAction(_previous: TestPushFormState, formData: FormData): Promise<TestPushFormState> {
  const parsed = testSchema.safeParse({ callbackUrl: text(formData, "callbackUrl"), apiKey: text(formData, "apiKey") });
  if (!parsed.success) return invalid(parsed.error);
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  if (user.account.plan !== "enterprise") return { status: "error", message: PLAN_REQUIRED };
  try {
    const result = await sendTestPush(user.account.id, parsed.data);
    const { ok, status, durationMs, bodyExcerpt, errorMessage } = result;
    return { status: ok ? "success" : "error", result: { ok, status, durationMs, bodyExcerpt, errorMessage } };
  } catch (error) {
    return refusal(error);
  }
}

export async function rotateSecretAction(_previous: SecretFormState): Promise<SecretFormState> {
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  let signingSecret: string;
  try {
    signingSecret = await rotateSigningSecret(user.account.id, user.email);
  } catch (error) {
    return refusal(error);
  }
  refreshIntegrationPages();
  return { status: "success", message: "Signing secret rotated.", signingSecret };
}

// Re-enables after an automatic (or manual) disable; "deliver held" also sends what was kept meanwhile.
export async function reenableWebhookAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = reenableSchema.safeParse({ deliverHeld: formData.get("deliverHeld") ?? undefined });
  if (!parsed.success) return { status: "error", message: "Choose how to re-enable the webhook." };
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  const { deliverHeld } = parsed.data;
  try {
    await setWebhookEnabled(user.account, true, user.email, { deliverHeld });
  } catch (error) {
    return refusal(error);
  }
  refreshIntegrationPages();
  return {
    status: "success",
    message: deliverHeld
      ? "Webhook re-enabled. The held notifications are being delivered now; follow them in the Event Log."
      : "Webhook re-enabled. Held notifications stay held; you can redeliver them from the Event Log.",
  };
}
