import type { ReactNode } from "react";
import { SectionTabs } from "@/components/shell/section-tabs";
import { PageHeader } from "@/components/ui/page-header";

const TABS = [
  { href: "/event-log/webhook", label: "Webhook" },
  { href: "/event-log/devices", label: "Devices" },
  { href: "/event-log/admin", label: "Admin" },
];

export default function EventLogLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Event Log" description="What happened in this account, newest first." />
      <SectionTabs label="Event log" tabs={TABS} />
      {children}
    </>
  );
}
