import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { LinkTabs } from "@/components/ui/tabs";
import { requireUser } from "@/lib/auth/session";
import { DEVICE_STATUS_DESCRIPTIONS, DEVICE_STATUSES } from "@/lib/contract/statuses";

export const metadata: Metadata = { title: "Webhook integration" };

export default async function IntegrationsPage() {
  const user = await requireUser();
  const enterprise = user.account.plan === "enterprise";
  return (
    <>
      <PageHeader title="Integrations" description="Connect this account to the vendors that act on device compliance." />
      <LinkTabs label="Integrations" tabs={[{ href: "/settings/integrations", label: "Webhook" }]} current="/settings/integrations" />
      <Card
        title="Webhook"
        description="Push every device status change to your vendor's callback URL as it happens, instead of having them poll."
        actions={<Badge tone="neutral">Not configured</Badge>}
      >
        {!enterprise && (
          <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
            Webhooks are an enterprise-plan feature. This account is on the standard plan.
          </p>
        )}
        <p className="text-sm">No callback URL is configured for this account, so no notifications are sent.</p>
        <h3 className="mt-4 text-sm font-semibold">Events a webhook can notify</h3>
        <ul className="mt-2 space-y-1.5 text-sm">
          {DEVICE_STATUSES.map((status) => (
            <li key={status}>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{status}</code>{" "}
              <span className="text-slate-600 dark:text-slate-400">{DEVICE_STATUS_DESCRIPTIONS[status]}</span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
