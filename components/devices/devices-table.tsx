// The device list: each row links to the device's page by its (encoded) device id.
import Link from "next/link";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { deviceHref } from "./form-states";
import { DeviceStatusBadge } from "./status-badge";

export type DeviceRow = { id: string; deviceId: string; name: string; platform: string; status: string; lastSeenAt: Date | null };

export function DevicesTable({ devices }: { devices: DeviceRow[] }) {
  return (
    <Table caption="Devices, by device id">
      <thead className="bg-slate-50 dark:bg-slate-900">
        <tr>
          <Th>Device id</Th>
          <Th className="hidden sm:table-cell">Name</Th>
          <Th className="hidden md:table-cell">Platform</Th>
          <Th>Status</Th>
          <Th className="hidden sm:table-cell">Last seen</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {devices.map((device) => (
          <tr key={device.id}>
            <Td className="max-w-xs break-all whitespace-normal!">
              <Link href={deviceHref(device.deviceId)} className="font-mono text-xs font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                {device.deviceId}
              </Link>
              {/* Small screens show only id and status as columns; the name goes under the id. */}
              <span className="mt-0.5 block break-normal text-slate-600 sm:hidden dark:text-slate-400">{device.name}</span>
            </Td>
            <Td className="hidden sm:table-cell">{device.name}</Td>
            <Td className="hidden md:table-cell">{device.platform}</Td>
            <Td><DeviceStatusBadge status={device.status} /></Td>
            <Td className="hidden text-slate-600 sm:table-cell dark:text-slate-400">{device.lastSeenAt ? <Time date={device.lastSeenAt} relative /> : "Never"}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
