import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { LinkTabs } from "@/components/ui/tabs";
import { Time } from "@/components/ui/time";
import { FailureBanner } from "@/components/webhook/failure-banner";
import { IntegrationStateBadge } from "@/components/webhook/integration-state-badge";
import { requireUser } from "@/lib/auth/session";
import { DEVICE_STATUS_DESCRIPTIONS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { getWebhookOverview } from "@/lib/webhooks/overview";

export const metadata: Metadata = { title: "Webhook integration" };

export default async function IntegrationsPage() {
  const user = await requireUser();
  const overview = await getWebhookOverview(user.account.id);
  const settings = overview.settings;
  const enterprise = user.account.plan === "enterprise";
  return (
    <>
      <PageHeader title="Integrations" description="Connect this account to the vendors that act on device compliance." />
      <LinkTabs label="Integrations" tabs={[{ href: "/settings/integrations", label: "Webhook" }]} current="/settings/integrations" />
      {settings && (
        <FailureBanner
          state={overview.state}
          warning={overview.warning}
          consecutiveFailures={settings.consecutiveFailures}
          threshold={settings.disableAfterFailures}
          disabledReason={settings.disabledReason}
          disabledAt={settings.disabledAt}
          heldNotifications={overview.heldNotifications}
        />
      )}
      <Card
        title="Webhook"
        description="Push every device status change to your vendor's callback URL as it happens, instead of having them poll."
        actions={<IntegrationStateBadge state={overview.state} />}
      >
        {!enterprise && (
          <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
            Webhooks are an enterprise-plan feature. This account is on the standard plan.
          </p>
        )}
        {settings ? (
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium">Callback URL</dt>
            <dd className="break-all font-mono text-xs">{settings.callbackUrl}</dd>
            <dt className="font-medium">API key</dt>
            <dd className="font-mono text-xs">{settings.apiKeyMasked}</dd>
            <dt className="font-medium">Events</dt>
            <dd>{settings.events.join(", ")}</dd>
            <dt className="font-medium">Consecutive failed pushes</dt>
            <dd>
              {settings.consecutiveFailures} of {settings.disableAfterFailures}
            </dd>
            <dt className="font-medium">Held notifications</dt>
            <dd>{overview.heldNotifications}</dd>
            <dt className="font-medium">Last changed</dt>
            <dd><Time date={settings.updatedAt} /></dd>
          </dl>
        ) : (
          <p className="text-sm">No callback URL is configured for this account, so no notifications are sent.</p>
        )}
        <h3 className="mt-6 text-sm font-semibold">Events a webhook can notify</h3>
        <ul className="mt-2 space-y-1.5 text-sm">
          {DEVICE_STATUSES.map((status) => (
            <li key={status}>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{status}</code>{" "}
              <span className="text-slate-600 dark:text-slate-400">{DEVICE_STATUS_DESCRIPTIONS[status]}</span>
            </li>
          ))}
        </ul>
        <p className="mt-6 text-sm">
          <Link href="/event-log/webhook" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">See every push in the Event Log</Link>
        </p>
      </Card>
    </>
  );
}
