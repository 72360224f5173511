"use client";
// The navigation between the docs pages; marks the current page for assistive technology.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { linkClass } from "@/components/shell/sidebar-nav";
import { DOCS_PAGES } from "./docs-pages";

export function DocsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Documentation">
      <ul className="flex flex-wrap gap-1">
        {DOCS_PAGES.map((page) => {
          const current = pathname === page.href;
          return (
            <li key={page.href}>
              <Link
                href={page.href}
                aria-current={current ? "page" : undefined}
                className={linkClass(current)}
              >
                {page.title}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
