import type { Metadata } from "next";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { listDeviceEvents } from "@/lib/device-events";

export const metadata: Metadata = { title: "Device log" };

export default async function DeviceLogPage() {
  const user = await requireUser();
  const events = await listDeviceEvents(user.account.id, { take: 100 });
  if (events.length === 0) {
    return (
      <EmptyState title="No status changes recorded yet">
        Each change of a device&apos;s compliance status will be listed here, with the time it happened.
      </EmptyState>
    );
  }
  return (
    <Table caption="Device status changes, newest first">
      <thead className="bg-slate-50 dark:bg-slate-900">
        <tr>
          <Th>Time</Th>
          <Th>Device id</Th>
          <Th>From</Th>
          <Th>To</Th>
          <Th>Changed by</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="text-slate-600 dark:text-slate-400"><Time date={event.occurredAt} /></Td>
            <Td className="font-mono text-xs">{event.deviceId}</Td>
            <Td>{event.previousStatus ? <DeviceStatusBadge status={event.previousStatus} /> : "—"}</Td>
            <Td><DeviceStatusBadge status={event.status} /></Td>
            <Td>{event.actor}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
