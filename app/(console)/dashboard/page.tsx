import type { Metadata } from "next";
import Link from "next/link";
import { PushesChart } from "@/components/dashboard/pushes-chart";
import { Stat } from "@/components/dashboard/stat";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { FailureBanner } from "@/components/webhook/failure-banner";
import { IntegrationStateBadge } from "@/components/webhook/integration-state-badge";
import { listAuditEntries } from "@/lib/audit";
import { requireUser } from "@/lib/auth/session";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { countDevicesByStatus } from "@/lib/devices";
import { getWebhookOverview } from "@/lib/webhooks/overview";
import { getDeliveryStats } from "@/lib/webhooks/stats";

export const metadata: Metadata = { title: "Dashboard" };

const LOG = "/event-log/webhook";
const linkClass = "text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300";

function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)}%`;
}

function formatMs(ms: number | null): string {
  return ms === null ? "—" : `${ms} ms`;
}

export default async function DashboardPage() {
  const user = await requireUser();
  const accountId = user.account.id;
  const [counts, activity, webhook, stats] = await Promise.all([
    countDevicesByStatus(accountId),
    listAuditEntries(accountId, 5),
    getWebhookOverview(accountId),
    getDeliveryStats(accountId),
  ]);
  const totalDevices = DEVICE_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  const settings = webhook.settings;

  return (
    <>
      <PageHeader title="Dashboard" description={`${user.account.name} at a glance. Delivery figures cover the last 24 hours.`} />
      {settings && (
        <FailureBanner
          overview={webhook}
        />
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Webhook integration" actions={<IntegrationStateBadge state={webhook.state} />}>
          {settings ? (
            <div className="grid grid-cols-2 gap-3">
              <Stat label="Consecutive failures" value={`${settings.consecutiveFailures} / ${settings.disableAfterFailures}`} href="/settings/integrations/webhook" testId="consecutive-failures" hint="disabled at the limit" />
              <Stat label="Held" value={webhook.heldNotifications} href={`${LOG}?result=held`} testId="held-count" hint="kept while disabled" />
            </div>
          ) : (
            <p className="text-sm">
              {user.account.plan === "enterprise"
                ? "No callback URL is set up, so status changes are not pushed to any vendor."
                : "Webhooks are an enterprise-plan feature; this account is on the standard plan."}
            </p>
          )}
          <Link href="/settings/integrations/webhook" className={`mt-3 inline-block ${linkClass}`}>Open webhook settings</Link>
        </Card>
        <Card title="Delivery" description="Pushes settled in the last 24 hours">
          <div className="grid grid-cols-2 gap-3">
            <Stat label="Success rate" value={formatRate(stats.successRate)} href={LOG} testId="success-rate" hint={`${stats.succeeded} succeeded`} />
            <Stat label="Failed pushes" value={stats.failed} href={`${LOG}?result=failed`} testId="failed-pushes" hint={`${webhook.failedNotifications} notifications not delivered`} />
          </div>
        </Card>
        <Card title="Latency" description="One HTTP attempt, successful ones, last 24 hours">
          <div className="grid grid-cols-2 gap-3">
            <Stat label="Median" value={formatMs(stats.latencyP50Ms)} href={`${LOG}?result=succeeded`} testId="latency-p50" />
            <Stat label="95th percentile" value={formatMs(stats.latencyP95Ms)} href={`${LOG}?result=succeeded`} testId="latency-p95" />
          </div>
        </Card>
      </div>

      <Card title="Pushes per hour" className="mt-6">
        {stats.succeeded + stats.failed === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No pushes in the last 24 hours.</p>
        ) : (
          <PushesChart hours={stats.hours} />
        )}
      </Card>

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card title="Devices" description={`${totalDevices} device${totalDevices === 1 ? "" : "s"} in this account`} className="lg:col-span-2">
          {totalDevices === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No devices have enrolled yet.</p>
          ) : (
            <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {DEVICE_STATUSES.map((status) => (
                <li key={status}>
                  <Link href={`/devices?status=${status}`} className="block rounded-md border border-slate-200 px-3 py-2.5 hover:border-indigo-400 dark:border-slate-800">
                    <span className="block text-2xl font-semibold tabular-nums" data-testid={`count-${status}`}>{counts[status]}</span>
                    <DeviceStatusBadge status={status} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Last error">
          {stats.lastError ? (
            <div className="text-sm" data-testid="last-error">
              <p className="font-medium">
                {stats.lastError.statusCode ? `HTTP ${stats.lastError.statusCode}` : (stats.lastError.errorClass ?? "error").replaceAll("_", " ")}
              </p>
              {stats.lastError.message && <p className="mt-1 text-slate-600 dark:text-slate-400">{stats.lastError.message}</p>}
              <p className="mt-1 text-slate-600 dark:text-slate-400"><Time date={stats.lastError.at} relative /></p>
              <Link href={`${LOG}/${stats.lastError.pushId}`} className={`mt-2 inline-block ${linkClass}`}>Open the push</Link>
            </div>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">No failed attempts in the last 24 hours.</p>
          )}
        </Card>
      </div>

      <div className="mt-6">
        <Card title="Recent admin activity" actions={<Link href="/event-log/admin" className={linkClass}>View all</Link>}>
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
