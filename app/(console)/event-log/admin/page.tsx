import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { listAuditEntries } from "@/lib/audit";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Admin log" };

function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

export default async function AdminLogPage() {
  const user = await requireUser();
  const entries = await listAuditEntries(user.account.id, 100);
  if (entries.length === 0) {
    return <EmptyState title="No admin activity yet">Settings changes and user changes will be listed here.</EmptyState>;
  }
  return (
    <Table caption="Admin activity">
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
        {entries.map((entry) => (
          <tr key={entry.id}>
            <Td className="text-slate-600 dark:text-slate-400"><Time date={entry.createdAt} /></Td>
            <Td>{entry.actor}</Td>
            <Td className="font-mono text-xs">{entry.action}</Td>
            <Td>{entry.target}</Td>
            <Td className="whitespace-normal text-slate-600 dark:text-slate-400">{describeDetails(entry.details)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
