// The integration's state as the console summarises it: settings, failures against the threshold,
// and what is waiting (held) or gave up (failed).
import "server-only";
import { db } from "@/lib/db";
import { failureWarningLevel } from "@/lib/webhooks/failures";
import { countNotificationsByState } from "@/lib/webhooks/outbox";
import { getWebhookSettings, type WebhookSettingsView } from "@/lib/webhooks/settings";

export type WebhookOverview = {
  state: "not_configured" | "enabled" | "disabled" | "auto_disabled";
  settings: WebhookSettingsView | null;
  heldNotifications: number;
  failedNotifications: number;
  warning: "none" | "warning" | "critical";
};

export async function getWebhookOverview(accountId: string): Promise<WebhookOverview> {
  const settings = await getWebhookSettings(accountId);
  if (!settings) return { state: "not_configured", settings, heldNotifications: 0, failedNotifications: 0, warning: "none" };
  const [heldNotifications, failedNotifications] = await Promise.all([
    countNotificationsByState(db, accountId, "held"),
    countNotificationsByState(db, accountId, "failed"),
  ]);
  const state = settings.enabled ? "enabled" : settings.disabledReason ? "auto_disabled" : "disabled";
  const warning = settings.enabled ? failureWarningLevel(settings.consecutiveFailures, settings.disableAfterFailures) : "none";
  return { state, settings, heldNotifications, failedNotifications, warning };
}
