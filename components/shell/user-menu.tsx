// The signed-in user's menu: who you are, the display theme, sign-out. A native <details>
// element, so it opens with Enter or Space and needs no script to work.
import { Badge } from "@/components/ui/badge";
import { THEMES, type Theme } from "@/lib/theme";
import { SignOutButton } from "./sign-out-button";

const THEME_LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };
const itemClass = "w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800";

export function UserMenu({ name, email, role, theme, setTheme }: {
  name: string;
  email: string;
  role: string;
  theme: Theme;
  setTheme: (formData: FormData) => Promise<void>;
}) {
  return (
    <details className="group relative">
      <summary data-testid="user-menu" className="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
        <span aria-hidden className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="hidden sm:inline">{name}</span>
        <span className="sr-only">Open user menu</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
        <div className="px-3 py-2">
          <p className="text-sm font-medium">{name}</p>
          <p className="truncate text-sm text-slate-600 dark:text-slate-400">{email}</p>
          <p className="mt-1.5">
            <Badge tone="indigo">{role}</Badge>
          </p>
        </div>
        <form action={setTheme} className="border-t border-slate-200 px-3 py-2 dark:border-slate-700">
          <fieldset>
            <legend className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Theme</legend>
            <div className="mt-1.5 flex gap-1">
              {THEMES.map((option) => (
                <button
                  key={option}
                  type="submit"
                  name="theme"
                  value={option}
                  aria-pressed={theme === option}
                  className="flex-1 rounded-md border border-slate-300 px-2 py-1 text-xs aria-pressed:border-indigo-600 aria-pressed:bg-indigo-50 aria-pressed:text-indigo-800 dark:border-slate-700 dark:aria-pressed:bg-indigo-950 dark:aria-pressed:text-indigo-200"
                >
                  {THEME_LABELS[option]}
                </button>
              ))}
            </div>
          </fieldset>
        </form>
        <div className="border-t border-slate-200 pt-2 dark:border-slate-700">
          <SignOutButton className={itemClass} />
        </div>
      </div>
    </details>
  );
}
