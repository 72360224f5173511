import type { Metadata } from "next";
import { AccountForm } from "@/components/settings/account-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { renameAccountAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Account" description="The account (tenant) your users, devices and integrations belong to." />
      {!user.canManage && (
        <p role="status" className="mb-4 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900">
          You have read-only access. Owners and admins can change these settings.
        </p>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="General" className="lg:col-span-2">
          <AccountForm name={user.account.name} readOnly={!user.canManage} action={renameAccountAction} />
        </Card>
        <Card title="Plan">
          <p className="text-sm">
            <Badge tone={user.account.plan === "enterprise" ? "indigo" : "neutral"}>{user.account.plan}</Badge>
          </p>
          <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            {user.account.plan === "enterprise" ? "Webhooks are included in this plan." : "Webhooks need the enterprise plan."}
          </p>
        </Card>
      </div>
    </>
  );
}
