import { LinkButton } from "@/components/ui/button";

// An unknown device id, or one of another account: the same answer for both.
export default function DeviceNotFound() {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center dark:border-slate-700 dark:bg-slate-900">
      <p className="text-sm font-semibold text-indigo-700 dark:text-indigo-300">404</p>
      <h1 className="mt-1 text-xl font-semibold">Device not found</h1>
      <p className="mx-auto mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">No device with this id is enrolled in this account.</p>
      <div className="mt-5"><LinkButton href="/devices" variant="secondary">Back to devices</LinkButton></div>
    </div>
  );
}
