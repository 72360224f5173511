import type { Metadata } from "next";
import Link from "next/link";
import { DeviceEventsTable } from "@/components/devices/device-history";
import { deviceHref } from "@/components/devices/form-states";
import { listHref, LogPager, pageHref } from "@/components/event-log/log-pager";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { requireUser } from "@/lib/auth/session";
import { deviceLogFilterSchema, listDeviceEventPage } from "@/lib/webhooks/event-log";

export const metadata: Metadata = { title: "Device log" };

const PATH = "/event-log/devices";
const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

type SearchParams = Record<string, string | string[] | undefined>;
const single = (value: string | string[] | undefined) => (typeof value === "string" && value.trim() !== "" ? value : undefined);

export default async function DeviceLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const parsed = deviceLogFilterSchema.safeParse({ deviceId: single(params.device) });
  const deviceError = parsed.success ? undefined : parsed.error.issues[0]?.message;
  const deviceId = parsed.success ? parsed.data.deviceId : undefined;
  const page = await listDeviceEventPage(user.account.id, { deviceId }, { before: single(params.before), after: single(params.after) });
  const query = new URLSearchParams(deviceId ? { device: deviceId } : {});

  return (
    <>
      <form role="search" aria-label="Filter status changes" action={PATH} className="mb-4 flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 sm:max-w-sm">
          <label htmlFor="device-log-device" className="block text-sm font-medium">Device id</label>
          <input
            id="device-log-device"
            name="device"
            defaultValue={single(params.device)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={deviceError ? true : undefined}
            aria-describedby={deviceError ? "device-log-device-error" : undefined}
            className={`mt-1.5 ${inputClass}`}
          />
          {deviceError && <p id="device-log-device-error" className="mt-1 text-xs text-red-700 dark:text-red-400">{deviceError}</p>}
        </div>
        <button type="submit" className={buttonClass("secondary")}>Apply</button>
        {(deviceId || deviceError) && <Link href={PATH} className={buttonClass("ghost")}>Clear</Link>}
      </form>
      {deviceId && (
        <p className="mb-4 text-sm">
          Status changes of <span className="break-all font-mono text-xs">{deviceId}</span>.{" "}
          <Link href={deviceHref(deviceId)} className={linkClass}>Open the device</Link>
        </p>
      )}
      {page.events.length === 0 ? (
        deviceId ? (
          <EmptyState title="No status changes for this device">Check the device id: it must match exactly, including upper and lower case.</EmptyState>
        ) : page.newer ? (
          <EmptyState title="No older status changes">You have reached the beginning of the device log.</EmptyState>
        ) : (
          <EmptyState title="No status changes recorded yet">
            Each change of a device&apos;s compliance status will be listed here, with the time it happened.
          </EmptyState>
        )
      ) : (
        <DeviceEventsTable events={page.events} caption="Device status changes, newest first" withDeviceColumn />
      )}
      <LogPager
        label="Device log pages"
        newerHref={pageHref(PATH, query, { after: page.newer })}
        olderHref={pageHref(PATH, query, { before: page.older })}
        newestHref={listHref(PATH, query)}
      />
    </>
  );
}
