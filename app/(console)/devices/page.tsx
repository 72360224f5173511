import type { Metadata } from "next";
import { z } from "zod";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { DEVICE_STATUS_LABELS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { DEVICE_PAGE_SIZE, listDevices } from "@/lib/devices";

export const metadata: Metadata = { title: "Devices" };

// Unknown or malformed filters are ignored rather than failing the page.
const filterSchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  status: z.enum(DEVICE_STATUSES).optional().catch(undefined),
});

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const filter = filterSchema.parse(await searchParams);
  const devices = await listDevices(user.account.id, { query: filter.q, status: filter.status });
  const filtered = Boolean(filter.q || filter.status);

  return (
    <>
      <PageHeader title="Devices" description="Every device enrolled in this account and its current compliance status." />
      <form role="search" className="mb-4 flex flex-wrap items-end gap-3" action="/devices">
        <div className="min-w-56 flex-1">
          <label htmlFor="device-search" className="block text-sm font-medium">Search</label>
          <input id="device-search" name="q" type="search" defaultValue={filter.q} placeholder="Device id or name" className={`mt-1.5 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="device-status" className="block text-sm font-medium">Status</label>
          <select id="device-status" name="status" defaultValue={filter.status ?? ""} className={`mt-1.5 ${inputClass}`}>
            <option value="">All statuses</option>
            {DEVICE_STATUSES.map((status) => (
              <option key={status} value={status}>{DEVICE_STATUS_LABELS[status]}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass("secondary")}>Apply</button>
      </form>
      {devices.length === 0 ? (
        <EmptyState title={filtered ? "No devices match" : "No devices yet"}>
          {filtered ? "Try another search or status." : "Devices appear here as soon as their agent enrolls."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Devices">
            <thead className="bg-slate-50 dark:bg-slate-900">
              <tr>
                <Th>Device id</Th>
                <Th>Name</Th>
                <Th>Platform</Th>
                <Th>Status</Th>
                <Th>Last seen</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {devices.map((device) => (
                <tr key={device.id}>
                  <Td className="font-mono text-xs">{device.deviceId}</Td>
                  <Td>{device.name}</Td>
                  <Td>{device.platform}</Td>
                  <Td><DeviceStatusBadge status={device.status} /></Td>
                  <Td className="text-slate-600 dark:text-slate-400">{device.lastSeenAt ? <Time date={device.lastSeenAt} relative /> : "Never"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {devices.length === DEVICE_PAGE_SIZE && (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Showing the {DEVICE_PAGE_SIZE} most recently updated devices; narrow the search to find others.</p>
          )}
        </>
      )}
    </>
  );
}
