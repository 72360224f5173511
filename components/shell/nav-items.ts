// The console's navigation: one list for the sidebar and the mobile menu.
export type NavItem = { href: string; label: string; match: string; children?: NavItem[] };

export const NAV_ITEMS: NavItem[] = [
  { href: "/dashboard", label: "Dashboard", match: "/dashboard" },
  { href: "/devices", label: "Devices", match: "/devices" },
  { href: "/event-log/webhook", label: "Event Log", match: "/event-log" },
  {
    href: "/settings/integrations/webhook",
    label: "Settings",
    match: "/settings",
    children: [
      { href: "/settings/integrations/webhook", label: "Integrations", match: "/settings/integrations" },
      { href: "/settings/users", label: "Users", match: "/settings/users" },
      { href: "/settings/api-tokens", label: "API tokens", match: "/settings/api-tokens" },
      { href: "/settings/account", label: "Account", match: "/settings/account" },
    ],
  },
  { href: "/docs", label: "Docs", match: "/docs" },
];
