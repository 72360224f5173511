// A device's status history, newest first: each change with who made it.
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { DeviceStatusBadge } from "./status-badge";

export type DeviceEventRow = { id: string; previousStatus: string | null; status: string; actor: string; occurredAt: Date };

export function DeviceHistory({ events }: { events: DeviceEventRow[] }) {
  if (events.length === 0) return <EmptyState title="No status changes recorded">Changes of this device&apos;s status will be listed here.</EmptyState>;
  return (
    <Table caption="Status history, newest first">
      <thead className="bg-slate-50 dark:bg-slate-900">
        <tr>
          <Th>Time</Th>
          <Th>From</Th>
          <Th>To</Th>
          <Th>Changed by</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="text-slate-600 dark:text-slate-400"><Time date={event.occurredAt} /></Td>
            <Td>{event.previousStatus ? <DeviceStatusBadge status={event.previousStatus} /> : <span className="text-slate-600 dark:text-slate-400">Enrolled</span>}</Td>
            <Td><DeviceStatusBadge status={event.status} /></Td>
            <Td>{event.actor}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
