import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AddDeviceForm } from "@/components/devices/add-device-form";
import { DeviceFilterForm } from "@/components/devices/device-filter-form";
import { DevicesTable } from "@/components/devices/devices-table";
import { LinkButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { requireUser } from "@/lib/auth/session";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { isPrintableText, PRINTABLE_TEXT_MESSAGE } from "@/lib/device-events";
import { deviceIdLookupSchema, listDevicePage } from "@/lib/devices";
import { addDeviceAction } from "../actions";

export const metadata: Metadata = { title: "Devices" };

// Unknown or malformed parameters are ignored rather than failing the page; a search no device text
// can contain (control characters) is a field error instead, so the user sees why it was dropped.
const paramsSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(DEVICE_STATUSES).optional().catch(undefined),
  after: deviceIdLookupSchema.optional().catch(undefined),
  before: deviceIdLookupSchema.optional().catch(undefined),
  add: z.literal("1").optional().catch(undefined),
});

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const params = paramsSchema.parse(await searchParams);
  const searchError = params.q && !isPrintableText(params.q) ? PRINTABLE_TEXT_MESSAGE : undefined;
  const filter = { query: searchError ? undefined : params.q || undefined, status: params.status };
  const page = await listDevicePage(user.account.id, filter, { after: params.after, before: params.before });
  const filtered = Boolean(filter.query || filter.status);
  const adding = user.canManage && params.add === "1";

  const link = (extra: Record<string, string | null | undefined>) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries({ q: filter.query, status: filter.status, ...extra })) if (value) query.set(key, value);
    return query.size ? `/devices?${query}` : "/devices";
  };

  return (
    <>
      <PageHeader
        title="Devices"
        description="Every device enrolled in this account and its current compliance status. Open a device to see its history and the webhook pushes that carried it."
        actions={user.canManage && !adding ? <LinkButton href={link({ add: "1" })}>Add device</LinkButton> : undefined}
      />
      {adding && (
        <Card
          title="Add device"
          description="Enroll a device by hand, as its agent would."
          className="mb-6"
          actions={<Link href={link({})} className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Close</Link>}
        >
          <AddDeviceForm action={addDeviceAction} />
        </Card>
      )}
      <DeviceFilterForm query={params.q} status={filter.status} error={searchError} />
      {page.devices.length === 0 ? (
        <EmptyState
          title={filtered ? "No devices match" : params.after || params.before ? "No more devices" : "No devices yet"}
          action={params.after || params.before ? <LinkButton variant="secondary" href={link({})}>First page</LinkButton> : undefined}
        >
          {filtered ? "Try another search or status." : "Devices appear here as soon as their agent enrolls."}
        </EmptyState>
      ) : (
        <>
          <DevicesTable devices={page.devices} />
          <Pager
            label="Device pages"
            firstHref={link({})}
            previousHref={page.previousBefore !== null ? link({ before: page.previousBefore }) : null}
            nextHref={page.nextAfter !== null ? link({ after: page.nextAfter }) : null}
          />
        </>
      )}
    </>
  );
}
