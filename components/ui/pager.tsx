// Previous / next links of a keyset-paginated list; an end of the list shows as plain, dimmed text.
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export function Pager({ label, previousHref, nextHref, firstHref }: { label: string; previousHref: string | null; nextHref: string | null; firstHref?: string | null }) {
  if (!previousHref && !nextHref) return null;
  const dimmed = "inline-flex items-center rounded-md px-3.5 py-2 text-sm text-slate-500 dark:text-slate-400";
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-2">
      {firstHref && previousHref && <Link href={firstHref} className={buttonClass("ghost")}>First page</Link>}
      {previousHref ? <Link href={previousHref} rel="prev" className={buttonClass("secondary")}>Previous page</Link> : <span className={dimmed}>Previous page</span>}
      {nextHref ? <Link href={nextHref} rel="next" className={buttonClass("secondary")}>Next page</Link> : <span className={dimmed}>Next page</span>}
    </nav>
  );
}
