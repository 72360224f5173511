// The filters of Event Log > Webhook: a plain GET form, so the filters live in the URL (shareable,
// bookmarkable, and the CSV export reads the same query). A bad value shows its error under the field.
import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";

export type PushFilterValues = Partial<Record<"result" | "httpStatus" | "deviceId" | "from" | "to", string>>;

const FORM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

// datetime-local takes "YYYY-MM-DDTHH:mm[:ss]"; a full ISO time from a shared link is shown in UTC.
function timeInputValue(value: string | undefined): string | undefined {
  if (!value || FORM_TIME.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 19);
}

function Field({ id, label, error, hint, wide = false, children }: { id: string; label: string; error?: string; hint?: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`min-w-0 ${wide ? "col-span-2 sm:col-span-1" : ""}`}>
      <label htmlFor={id} className="block text-sm font-medium">{label}</label>
      {children}
      {hint && !error && <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">{hint}</p>}
      {error && <p id={`${id}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}

const describedBy = (id: string, error?: string, hint?: string) => (error ? `${id}-error` : hint ? `${id}-hint` : undefined);

export function PushFilters({ values, errors, results, clearHref }: {
  values: PushFilterValues;
  errors: PushFilterValues;
  results: readonly string[];
  clearHref: string | null;
}) {
  const input = (id: string, error?: string, hint?: string) => ({
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, error, hint),
    className: `mt-1.5 ${inputClass}`,
  });
  const statusHint = "A code (404), a class (5xx) or none";
  return (
    <form role="search" aria-label="Filter pushes" action="/event-log/webhook" className="mb-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Field id="log-result" label="Result" error={errors.result}>
          <select name="result" defaultValue={errors.result ? "" : (values.result ?? "")} {...input("log-result", errors.result)}>
            <option value="">Any result</option>
            {results.map((result) => <option key={result} value={result}>{result}</option>)}
          </select>
        </Field>
        <Field id="log-status" label="HTTP status" error={errors.httpStatus} hint={statusHint}>
          <input name="status" defaultValue={values.httpStatus} placeholder="e.g. 5xx" autoComplete="off" {...input("log-status", errors.httpStatus, statusHint)} />
        </Field>
        <Field id="log-device" label="Device id" error={errors.deviceId} wide>
          <input name="device" defaultValue={values.deviceId} autoComplete="off" spellCheck={false} {...input("log-device", errors.deviceId)} />
        </Field>
        <Field id="log-from" label="From (UTC)" error={errors.from} wide>
          <input type="datetime-local" step={1} name="from" defaultValue={timeInputValue(values.from)} {...input("log-from", errors.from)} />
        </Field>
        <Field id="log-to" label="To (UTC)" error={errors.to} wide>
          <input type="datetime-local" step={1} name="to" defaultValue={timeInputValue(values.to)} {...input("log-to", errors.to)} />
        </Field>
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button type="submit" className={buttonClass("secondary")}>Apply filters</button>
        {clearHref && <Link href={clearHref} className={buttonClass("ghost")}>Clear filters</Link>}
      </div>
    </form>
  );
}
