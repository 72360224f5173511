import type { Metadata } from "next";
import { AuditDetails } from "@/components/event-log/audit-details";
import { LogPager, pageHref } from "@/components/event-log/log-pager";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { listAuditPage } from "@/lib/webhooks/event-log";

export const metadata: Metadata = { title: "Admin log" };

const PATH = "/event-log/admin";

type SearchParams = Record<string, string | string[] | undefined>;
const single = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function AdminLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const page = await listAuditPage(user.account.id, { before: single(params.before), after: single(params.after) });
  if (page.entries.length === 0) {
    return page.newer ? (
      <EmptyState title="No older admin activity">You have reached the beginning of the admin log.</EmptyState>
    ) : (
      <EmptyState title="No admin activity yet">Settings changes and user changes will be listed here.</EmptyState>
    );
  }
  return (
    <>
      <Table caption="Admin activity, newest first">
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <Th>Time</Th>
            <Th>Actor</Th>
            <Th>Action</Th>
            <Th>Target</Th>
            <Th>Details</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {page.entries.map((entry) => (
            <tr key={entry.id} className="align-top">
              <Td className="text-slate-600 dark:text-slate-400"><Time date={entry.createdAt} /></Td>
              <Td>{entry.actor}</Td>
              <Td className="font-mono text-xs">{entry.action}</Td>
              <Td>{entry.target}</Td>
              <Td className="text-slate-600 dark:text-slate-400">
                <div className="min-w-64 max-w-xl whitespace-normal">
                  <AuditDetails details={entry.details} />
                </div>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <LogPager
        label="Admin log pages"
        newerHref={pageHref(PATH, new URLSearchParams(), { after: page.newer })}
        olderHref={pageHref(PATH, new URLSearchParams(), { before: page.older })}
        newestHref={PATH}
      />
    </>
  );
}
