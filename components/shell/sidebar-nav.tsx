"use client";
// The console's main navigation; marks the current page for assistive technology.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { NAV_ITEMS, type NavItem } from "./nav-items";

function isActive(pathname: string, item: NavItem): boolean {
  return pathname === item.match || pathname.startsWith(`${item.match}/`);
}

// Shared with the docs navigation so both menus look alike. "phones": the section of the current page,
// marked only below md, where the links of its pages are hidden.
export const linkClass = (active: boolean | "phones", nested = false) =>
  `flex items-center whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium ${nested ? "ml-3" : ""} ${
    active === true
      ? "bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
      : `text-slate-700 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white ${
          active === "phones" ? "max-md:bg-indigo-50 max-md:text-indigo-800 max-md:dark:bg-indigo-950 max-md:dark:text-indigo-200" : ""
        }`
  }`;

export function SidebarNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="flex gap-1 overflow-x-auto md:flex-col md:overflow-visible">
        {NAV_ITEMS.map((item) => {
          // A section with pages of its own marks the page, not the section too.
          const current = !item.children && pathname === item.href;
          return (
            <li key={item.href}>
              <Link href={item.href} aria-current={current ? "page" : undefined} className={linkClass(item.children ? isActive(pathname, item) && "phones" : isActive(pathname, item))}>
                {item.label}
              </Link>
              {item.children && (
                <ul className="mt-1 hidden space-y-1 md:block">
                  {item.children.map((child) => (
                    <li key={child.href}>
                      <Link href={child.href} aria-current={isActive(pathname, child) ? "page" : undefined} className={linkClass(isActive(pathname, child), true)}>
                        {child.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
