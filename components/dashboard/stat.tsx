// One figure on the dashboard, linking to the log that explains it.
import Link from "next/link";
import type { ReactNode } from "react";

export function Stat({ label, value, href, hint, testId }: { label: string; value: ReactNode; href: string; hint?: ReactNode; testId?: string }) {
  return (
    <Link href={href} className="block rounded-md border border-slate-200 px-3 py-2.5 hover:border-indigo-400 dark:border-slate-800 dark:hover:border-indigo-500">
      <span className="block text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</span>
      <span className="mt-0.5 block text-2xl font-semibold tabular-nums" data-testid={testId}>{value}</span>
      {hint && <span className="block text-xs text-slate-600 dark:text-slate-400">{hint}</span>}
    </Link>
  );
}
