// Newer / older links of a newest-first log read by keyset; hidden when everything fits on one page.
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

const NEWER = <><span aria-hidden>←</span> Newer</>;
const OLDER = <>Older <span aria-hidden>→</span></>;

export function LogPager({ label, newerHref, olderHref, newestHref }: { label: string; newerHref: string | null; olderHref: string | null; newestHref: string }) {
  if (!newerHref && !olderHref) return null;
  const dimmed = "inline-flex items-center rounded-md px-3.5 py-2 text-sm text-slate-500 dark:text-slate-400";
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-2">
      {newerHref && <Link href={newestHref} className={buttonClass("ghost")}>Newest</Link>}
      {newerHref ? <Link href={newerHref} rel="prev" className={buttonClass("secondary")}>{NEWER}</Link> : <span className={dimmed}>{NEWER}</span>}
      {olderHref ? <Link href={olderHref} rel="next" className={buttonClass("secondary")}>{OLDER}</Link> : <span className={dimmed}>{OLDER}</span>}
    </nav>
  );
}

// A page link: the list's query with one keyset bound.
export function pageHref(path: string, query: URLSearchParams, bound: { before?: string | null; after?: string | null }): string | null {
  const key = bound.before ?? bound.after;
  if (!key) return null;
  const next = new URLSearchParams(query);
  next.set(bound.before ? "before" : "after", key);
  return `${path}?${next}`;
}

export function listHref(path: string, query: URLSearchParams): string {
  return query.size > 0 ? `${path}?${query}` : path;
}
