// The public documentation: its own header and navigation, no sign-in, the console's look and theme.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { DocsNav } from "@/components/docs/docs-nav";
import { TEXT_LINK } from "@/components/docs/prose";
import { LogoMark, SkipLink } from "@/components/ui/brand";

export const metadata: Metadata = {
  title: { default: "Documentation", template: "%s · Compliance Webhooks docs" },
};

export default function DocsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex w-full max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 md:px-8">
          <Link href="/" className="flex items-center gap-2">
            <LogoMark />
            <span className="text-sm font-semibold">Compliance Webhooks</span>
            <span className="text-sm text-slate-600 dark:text-slate-400">Docs</span>
          </Link>
          <DocsNav />
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 md:px-8 md:py-10">
        {children}
      </main>
      <footer className="border-t border-slate-200 dark:border-slate-800">
        <p className="mx-auto max-w-5xl px-4 py-6 text-xs text-slate-600 md:px-8 dark:text-slate-400">
          The OpenAPI document: <a href="/api/v1/openapi.json" className={TEXT_LINK}>/api/v1/openapi.json</a>
        </p>
      </footer>
    </div>
  );
}
