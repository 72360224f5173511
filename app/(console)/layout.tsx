// The console shell: sidebar, account name and user menu around every signed-in page.
import { cookies } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { UserMenu } from "@/components/shell/user-menu";
import { Badge } from "@/components/ui/badge";
import { requireUser } from "@/lib/auth/session";
import { parseTheme, THEME_COOKIE } from "@/lib/theme";
import { setThemeAction } from "./actions";
import { LogoMark, SkipLink } from "@/components/ui/brand";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <SkipLink />
      <aside className="border-b border-slate-200 bg-white px-3 py-3 md:w-60 md:shrink-0 md:border-b-0 md:border-r md:px-4 md:py-5 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/dashboard" className="mb-3 flex items-center gap-2 px-2 md:mb-6">
          <LogoMark />
          <span className="text-sm font-semibold leading-tight">Compliance Webhooks</span>
        </Link>
        <SidebarNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-4 py-2.5 md:px-8 dark:border-slate-800 dark:bg-slate-900">
          <p className="flex min-w-0 items-center gap-2 text-sm">
            <span className="sr-only">Account:</span>
            <span data-testid="account-name" className="truncate font-medium">{user.account.name}</span>
            <Badge tone={user.account.plan === "enterprise" ? "indigo" : "neutral"}>{user.account.plan}</Badge>
          </p>
          <UserMenu name={user.name} email={user.email} role={user.role} theme={theme} setTheme={setThemeAction} />
        </header>
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 md:px-8 md:py-8">
          {children}
        </main>
      </div>
    </div>
  );
}
