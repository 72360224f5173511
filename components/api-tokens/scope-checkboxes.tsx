// One checkbox per API scope, each with the sentence that says what it allows.
import type { ScopeOption } from "./form-states";

export function ScopeCheckboxes({ options, checked, error }: { options: ScopeOption[]; checked: readonly string[]; error?: string }) {
  return (
    <fieldset aria-describedby={["token-scopes-description", error && "token-scopes-error"].filter(Boolean).join(" ")}>
      <legend className="text-sm font-medium">Scopes</legend>
      <p id="token-scopes-description" className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
        What the token may do. Choose only what the script needs; a request outside its scopes is refused with 403.
      </p>
      <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-700">
        {options.map(({ scope, description }) => {
          const id = `scope-${scope.replace(":", "-")}`;
          return (
            <li key={scope} className="flex items-start gap-3 px-3 py-2.5">
              <input
                id={id}
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={checked.includes(scope)}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-description`}
                className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 accent-indigo-600"
              />
              <div className="min-w-0 text-sm">
                <label htmlFor={id} className="font-mono font-medium">{scope}</label>
                <p id={`${id}-description`} className="text-slate-600 dark:text-slate-400">{description}</p>
              </div>
            </li>
          );
        })}
      </ul>
      {error && <p id="token-scopes-error" className="mt-1.5 text-sm text-red-700 dark:text-red-400">{error}</p>}
    </fieldset>
  );
}
