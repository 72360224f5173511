"use client";
// Tabs for the pages of one console section, marking the current one.
import { usePathname } from "next/navigation";
import { LinkTabs } from "@/components/ui/tabs";

export function SectionTabs({ label, tabs, className = "" }: { label: string; tabs: { href: string; label: string }[]; className?: string }) {
  const pathname = usePathname();
  const current = tabs.find((tab) => pathname === tab.href || pathname.startsWith(`${tab.href}/`))?.href ?? "";
  return (
    <div className={className}>
      <LinkTabs label={label} tabs={tabs} current={current} />
    </div>
  );
}
