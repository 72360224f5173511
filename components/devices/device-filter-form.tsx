// Search and status filter of the device list: a plain GET form, so filters live in the URL.
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { DEVICE_STATUS_LABELS, DEVICE_STATUSES } from "@/lib/contract/statuses";

export function DeviceFilterForm({ query, status, error }: { query?: string; status?: string; error?: string }) {
  return (
    <form role="search" aria-label="Devices" className="mb-4 flex flex-wrap items-end gap-3" action="/devices">
      <div className="min-w-56 flex-1">
        <label htmlFor="device-search" className="block text-sm font-medium">Search</label>
        <input
          id="device-search"
          name="q"
          type="search"
          defaultValue={query}
          maxLength={200}
          placeholder="Device id or name"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "device-search-error" : undefined}
          className={`mt-1.5 ${inputClass}`}
        />
        {error && <p id="device-search-error" className="mt-1 text-xs text-red-700 dark:text-red-400">{error}</p>}
      </div>
      <div>
        <label htmlFor="device-status" className="block text-sm font-medium">Status</label>
        <select id="device-status" name="status" defaultValue={status ?? ""} className={`mt-1.5 ${inputClass}`}>
          <option value="">All statuses</option>
          {DEVICE_STATUSES.map((choice) => (
            <option key={choice} value={choice}>{DEVICE_STATUS_LABELS[choice]}</option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass("secondary")}>Apply</button>
      {(query || status) && <Link href="/devices" className={buttonClass("ghost")}>Clear filters</Link>}
    </form>
  );
}
