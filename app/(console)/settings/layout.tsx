import type { ReactNode } from "react";
import { SectionTabs } from "@/components/shell/section-tabs";

const TABS = [
  { href: "/settings/integrations/webhook", label: "Integrations" },
  { href: "/settings/users", label: "Users" },
  { href: "/settings/api-tokens", label: "API tokens" },
  { href: "/settings/account", label: "Account" },
];

// On small screens the sidebar shows only "Settings"; these tabs reach its pages there.
export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SectionTabs label="Settings" tabs={TABS} className="md:hidden" />
      {children}
    </>
  );
}
