import type { Metadata } from "next";
import Link from "next/link";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { IntegrationStateBadge } from "@/components/webhook/integration-state-badge";
import { requireUser } from "@/lib/auth/session";
import { listAuditEntries } from "@/lib/audit";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { countDevicesByStatus } from "@/lib/devices";
import { getWebhookOverview } from "@/lib/webhooks/overview";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireUser();
  const [counts, activity, webhook] = await Promise.all([
    countDevicesByStatus(user.account.id),
    listAuditEntries(user.account.id, 5),
    getWebhookOverview(user.account.id),
  ]);
  const total = DEVICE_STATUSES.reduce((sum, status) => sum + counts[status], 0);

  return (
    <>
      <PageHeader title="Dashboard" description={`${user.account.name} at a glance.`} />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Webhook integration" className="lg:col-span-1" actions={<IntegrationStateBadge state={webhook.state} />}>
          {webhook.settings ? (
            <dl className="grid grid-cols-[1fr_auto] gap-y-1.5 text-sm">
              <dt>Consecutive failed pushes</dt>
              <dd className="text-right tabular-nums" data-testid="consecutive-failures">
                {webhook.settings.consecutiveFailures} / {webhook.settings.disableAfterFailures}
              </dd>
              <dt>Held notifications</dt>
              <dd className="text-right tabular-nums">{webhook.heldNotifications}</dd>
              <dt>Failed notifications</dt>
              <dd className="text-right tabular-nums">{webhook.failedNotifications}</dd>
            </dl>
          ) : (
            <p className="text-sm">
              {user.account.plan === "enterprise"
                ? "No callback URL is set up, so status changes are not pushed to any vendor."
                : "Webhooks are an enterprise-plan feature; this account is on the standard plan."}
            </p>
          )}
          <Link href="/settings/integrations" className="mt-3 inline-block text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">
            Open webhook settings
          </Link>
        </Card>
        <Card title="Devices" description={`${total} device${total === 1 ? "" : "s"} in this account`} className="lg:col-span-2">
          {total === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No devices have enrolled yet.</p>
          ) : (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {DEVICE_STATUSES.map((status) => (
                <li key={status}>
                  <Link
                    href={`/devices?status=${status}`}
                    className="block rounded-md border border-slate-200 px-3 py-2.5 hover:border-indigo-400 dark:border-slate-800"
                  >
                    <span className="block text-2xl font-semibold tabular-nums" data-testid={`count-${status}`}>{counts[status]}</span>
                    <DeviceStatusBadge status={status} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <div className="mt-6">
        <Card title="Recent admin activity" actions={<Link href="/event-log/admin" className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">View all</Link>}>
          {activity.length === 0 ? (
            <EmptyState title="No changes yet">Settings changes and new users will be listed here.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-200 dark:divide-slate-800">
              {activity.map((entry) => (
                <li key={entry.id} className="flex flex-wrap justify-between gap-2 py-2.5 text-sm">
                  <span>
                    <span className="font-medium">{entry.actor}</span> <span className="font-mono text-xs">{entry.action}</span> {entry.target}
                  </span>
                  <span className="text-slate-600 dark:text-slate-400"><Time date={entry.createdAt} relative /></span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
