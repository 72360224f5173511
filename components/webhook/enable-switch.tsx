// The on/off switch of the integration: a native checkbox with the switch role, so it has a label,
// takes focus and toggles with Space like any checkbox.
export function EnableSwitch({ defaultChecked, error, disabled }: { defaultChecked: boolean; error?: string; disabled: boolean }) {
  const describedBy = ["enabled-description", error && "enabled-error"].filter(Boolean).join(" ");
  return (
    <div>
      <div className="flex items-start gap-3">
        <span className="relative mt-0.5 inline-flex shrink-0">
          <input
            id="field-enabled"
            type="checkbox"
            role="switch"
            name="enabled"
            defaultChecked={defaultChecked}
            disabled={disabled}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            className="peer h-6 w-11 cursor-pointer appearance-none rounded-full bg-slate-500 transition-colors checked:bg-indigo-600 disabled:cursor-not-allowed disabled:opacity-50 aria-[invalid=true]:ring-2 aria-[invalid=true]:ring-red-600 dark:bg-slate-500 dark:checked:bg-indigo-500"
          />
          <span aria-hidden className="pointer-events-none absolute left-0.5 top-0.5 h-5 w-5 rounded-full bg-white shadow transition-transform peer-checked:translate-x-5" />
        </span>
        <div className="text-sm">
          <label htmlFor="field-enabled" className="font-medium">Enable webhook delivery</label>
          <p id="enabled-description" className="text-slate-600 dark:text-slate-400">
            When on, every subscribed status change is pushed to the callback URL. When off, nothing is sent.
          </p>
        </div>
      </div>
      {error && <p id="enabled-error" className="mt-1.5 text-sm text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}
