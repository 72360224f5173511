// One checkbox per device status of the contract, each with its one-line description.
import { DEVICE_STATUS_DESCRIPTIONS, DEVICE_STATUS_LABELS, DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";

export function EventCheckboxes({ checked, error, disabled }: { checked: readonly DeviceStatus[]; error?: string; disabled: boolean }) {
  return (
    <fieldset aria-describedby={error ? "events-error" : undefined}>
      <legend className="text-sm font-medium">Events</legend>
      <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">The device status changes that trigger a push.</p>
      <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-700">
        {DEVICE_STATUSES.map((status) => (
          <li key={status} className="flex items-start gap-3 px-3 py-2.5">
            <input
              id={`event-${status}`}
              type="checkbox"
              name="events"
              value={status}
              defaultChecked={checked.includes(status)}
              disabled={disabled}
              aria-invalid={error ? true : undefined}
              aria-describedby={`event-${status}-description`}
              className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 accent-indigo-600 disabled:cursor-not-allowed"
            />
            <div className="min-w-0 text-sm">
              <label htmlFor={`event-${status}`} className="font-medium">{DEVICE_STATUS_LABELS[status]}</label>{" "}
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">{status}</code>
              <p id={`event-${status}-description`} className="text-slate-600 dark:text-slate-400">{DEVICE_STATUS_DESCRIPTIONS[status]}</p>
            </div>
          </li>
        ))}
      </ul>
      {error && <p id="events-error" className="mt-1.5 text-sm text-red-700 dark:text-red-400">{error}</p>}
    </fieldset>
  );
}
