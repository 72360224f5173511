// Device status changes, newest first, each with who made it: one device's history, or (with
// `withDeviceColumn`) the changes of many devices, each linking to its device's page.
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { deviceHref } from "./form-states";
import { DeviceStatusBadge } from "./status-badge";

export type DeviceEventRow = { id: string; deviceId: string; previousStatus: string | null; status: string; actor: string; occurredAt: Date };

export function DeviceEventsTable({ events, caption, withDeviceColumn = false }: { events: DeviceEventRow[]; caption: string; withDeviceColumn?: boolean }) {
  return (
    <Table caption={caption}>
      <thead className="bg-slate-50 dark:bg-slate-900">
        <tr>
          <Th>Time</Th>
          {withDeviceColumn && <Th>Device id</Th>}
          <Th>From</Th>
          <Th>To</Th>
          <Th>Changed by</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="text-slate-600 dark:text-slate-400"><Time date={event.occurredAt} /></Td>
            {withDeviceColumn && (
              <Td className="font-mono text-xs">
                <span className="block max-w-xs whitespace-normal break-all">
                  <Link href={deviceHref(event.deviceId)} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">{event.deviceId}</Link>
                </span>
              </Td>
            )}
            <Td>{event.previousStatus ? <DeviceStatusBadge status={event.previousStatus} /> : <span className="text-slate-600 dark:text-slate-400">Enrolled</span>}</Td>
            <Td><DeviceStatusBadge status={event.status} /></Td>
            <Td>{event.actor}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

// One device's status history on its page.
export function DeviceHistory({ events }: { events: DeviceEventRow[] }) {
  if (events.length === 0) return <EmptyState title="No status changes recorded">Changes of this device&apos;s status will be listed here.</EmptyState>;
  return <DeviceEventsTable events={events} caption="Status history, newest first" />;
}
