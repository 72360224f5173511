import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Device log" };

export default async function DeviceLogPage() {
  await requireUser();
  return (
    <EmptyState title="No status changes recorded yet">
      Each change of a device&apos;s compliance status will be listed here, with the time it happened.
    </EmptyState>
  );
}
