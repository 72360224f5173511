import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeStatusForm } from "@/components/devices/change-status-form";
import { DeleteDeviceForm } from "@/components/devices/delete-device-form";
import { DeviceHistory } from "@/components/devices/device-history";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { PushTable } from "@/components/event-log/push-table";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { listDeviceEvents } from "@/lib/device-events";
import { getDevice, isPossibleDeviceId } from "@/lib/devices";
import { listPushes } from "@/lib/webhooks/event-log";
import { changeDeviceStatusAction, deleteDeviceAction } from "./actions";

export const metadata: Metadata = { title: "Device" };

const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

function Detail({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="mt-1 break-words text-sm">{children}</dd>
    </div>
  );
}

// Next hands a dynamic segment over URL-encoded (it re-encodes the decoded path segment): decode it
// once. A malformed encoding names no device.
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export default async function DevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const user = await requireUser();
  const deviceId = decodeSegment((await params).deviceId);
  // A device of another account is as unknown as one that does not exist, and so is an id no device
  // can have (control or invisible characters, too long).
  const device = deviceId !== null && isPossibleDeviceId(deviceId) ? await getDevice(user.account.id, deviceId) : null;
  if (!device) notFound();
  const [events, { pushes }] = await Promise.all([
    listDeviceEvents(user.account.id, { deviceId: device.deviceId }),
    listPushes(user.account.id, { deviceId: device.deviceId }),
  ]);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/devices" className={linkClass}>← Devices</Link>
      </p>
      <PageHeader title={device.name} description={<span className="break-all font-mono">{device.deviceId}</span>} actions={<DeviceStatusBadge status={device.status} />} />
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <Card title="Details" className={user.canManage ? "lg:col-span-2" : "lg:col-span-3"}>
          <dl className="grid gap-4 sm:grid-cols-2">
            <Detail term="Device id"><span className="font-mono">{device.deviceId}</span></Detail>
            <Detail term="Name">{device.name}</Detail>
            <Detail term="Platform">{device.platform}</Detail>
            <Detail term="Status"><DeviceStatusBadge status={device.status} /></Detail>
            <Detail term="Last seen">{device.lastSeenAt ? <Time date={device.lastSeenAt} /> : "Never"}</Detail>
          </dl>
        </Card>
        {user.canManage && (
          <Card title="Change status" description="Changes go through the same service as the agents' API, so the webhook is notified.">
            <div className="space-y-6">
              <ChangeStatusForm deviceId={device.deviceId} status={device.status} action={changeDeviceStatusAction} />
              <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
                <h3 className="mb-2 text-sm font-semibold">Delete</h3>
                <DeleteDeviceForm deviceId={device.deviceId} deleted={device.status === "deleted"} action={deleteDeviceAction} />
              </div>
            </div>
          </Card>
        )}
      </div>
      <section aria-labelledby="history-heading" className="mt-8">
        <h2 id="history-heading" className="mb-3 text-lg font-semibold">Status history</h2>
        <DeviceHistory events={events} />
      </section>
      <section aria-labelledby="pushes-heading" className="mt-8">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="pushes-heading" className="text-lg font-semibold">Webhook pushes</h2>
          <Link href={`/event-log/webhook?${new URLSearchParams({ device: device.deviceId })}`} className={`text-sm ${linkClass}`}>
            All pushes of this device in the Event Log
          </Link>
        </div>
        {pushes.length === 0 ? (
          <EmptyState title="No webhook pushes for this device">
            When the webhook is enabled and subscribed to a status this device changes to, each push to the callback URL is listed here.
          </EmptyState>
        ) : (
          <PushTable pushes={pushes} />
        )}
      </section>
    </>
  );
}
