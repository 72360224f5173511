import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { LinkTabs } from "@/components/ui/tabs";
import { Time } from "@/components/ui/time";
import { DeliverySummary } from "@/components/webhook/delivery-summary";
import { FailureBanner } from "@/components/webhook/failure-banner";
import { IntegrationStateBadge } from "@/components/webhook/integration-state-badge";
import { ReenableButtons, ReenableFeedback } from "@/components/webhook/reenable-controls";
import { SigningSecretPanel } from "@/components/webhook/signing-secret-panel";
import { WebhookForm } from "@/components/webhook/webhook-form";
import { requireUser } from "@/lib/auth/session";
import { getWebhookOverview } from "@/lib/webhooks/overview";
import { reenableWebhookAction, rotateSecretAction, saveWebhookAction, sendTestPushAction } from "./actions";

export const metadata: Metadata = { title: "Webhook integration" };

const noticeClass = "mb-6 rounded-lg border px-5 py-3 text-sm";

export default async function IntegrationsPage() {
  const user = await requireUser();
  const overview = await getWebhookOverview(user.account.id);
  const { settings } = overview;
  const enterprise = user.account.plan === "enterprise";
  const canAct = user.canManage && enterprise;
  return (
    <>
      <PageHeader title="Integrations" description="Connect this account to the vendors that act on device compliance." />
      <LinkTabs label="Integrations" tabs={[{ href: "/settings/integrations/webhook", label: "Webhook" }]} current="/settings/integrations/webhook" />
      <ReenableFeedback action={reenableWebhookAction}>
        {settings && (
          <FailureBanner
            overview={overview}
            actions={canAct ? <ReenableButtons /> : null}
          />
        )}
      </ReenableFeedback>
      {!enterprise && (
        <div data-testid="plan-notice" className={`${noticeClass} border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100`}>
          <p className="font-semibold">Webhooks are an enterprise-plan feature.</p>
          <p className="mt-1">
            This account is on the standard plan, so the settings below are shown but cannot be changed. Once the account moves to the
            enterprise plan, you can push every device status change to your vendor as it happens.
          </p>
        </div>
      )}
      {!user.canManage && (
        <p data-testid="read-only-notice" className={`${noticeClass} border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900`}>
          You have read-only access. Owners and admins can change the webhook.
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="Webhook"
          description="Pushes device status changes to your vendor as they happen."
          actions={<IntegrationStateBadge state={overview.state} />}
          className="lg:col-span-2"
        >
          <WebhookForm
            saved={settings && { callbackUrl: settings.callbackUrl, apiKeyMasked: settings.apiKeyMasked, events: settings.events, enabled: settings.enabled }}
            readOnly={!user.canManage}
            planLocked={!enterprise}
            saveAction={saveWebhookAction}
            testAction={sendTestPushAction}
          />
        </Card>
        <div className="space-y-6">
          <Card title="Signing secret">
            <SigningSecretPanel
              configured={settings !== null}
              canRotate={canAct}
              readOnly={!user.canManage}
              previousSecretExpiry={settings?.previousSecretExpiresAt ? <Time date={settings.previousSecretExpiresAt} /> : null}
              rotateAction={rotateSecretAction}
            />
          </Card>
          <Card title="Delivery">
            {settings ? (
              <DeliverySummary
                consecutiveFailures={settings.consecutiveFailures}
                threshold={settings.disableAfterFailures}
                heldNotifications={overview.heldNotifications}
                failedNotifications={overview.failedNotifications}
                updatedAt={settings.updatedAt}
              />
            ) : (
              <DeliverySummary notConfigured />
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
