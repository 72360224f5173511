// The docs index: what each page is for, so a vendor or an administrator's developer starts right.
import type { Metadata } from "next";
import Link from "next/link";
import { DOCS_PAGES } from "@/components/docs/docs-pages";
import { Prose } from "@/components/docs/prose";

export const metadata: Metadata = { title: "Documentation" };

export default function DocsIndexPage() {
  const pages = DOCS_PAGES.filter((page) => page.href !== "/docs");
  return (
    <div className="space-y-8">
      <header className="max-w-3xl">
        <h1 className="text-3xl font-semibold tracking-tight">Compliance Webhooks documentation</h1>
        <div className="mt-3">
          <Prose>
            <p>
              The Compliance Webhooks console tells third-party services, within moments, when a device&apos;s compliance status
              changes. These pages are public: for the engineers of vendors who receive the notifications, and for administrators who
              automate their console.
            </p>
          </Prose>
        </div>
      </header>
      <ul className="grid gap-4 md:grid-cols-2">
        {pages.map((page) => (
          <li key={page.href}>
            <Link
              href={page.href}
              className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-300 dark:border-slate-800 dark:bg-slate-900 dark:hover:border-indigo-700"
            >
              <h2 className="text-base font-semibold text-indigo-700 dark:text-indigo-300">{page.title}</h2>
              <p className="mt-2 text-sm leading-6 text-slate-700 dark:text-slate-300">{page.summary}</p>
            </Link>
          </li>
        ))}
      </ul>
      <Prose>
        <p>
          <strong>Building a receiver?</strong> Start with <Link href="/docs/webhooks">Receiving webhooks</Link>: it ends with a receiver
          you can run on your machine. <strong>Automating the console?</strong> The <Link href="/docs/api">API reference</Link> lists every
          operation; the machine-readable document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        </p>
      </Prose>
    </div>
  );
}
