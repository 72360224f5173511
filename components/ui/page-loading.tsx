// Shown while a console list page loads its data (each list page's loading.tsx). Not above the
// pages of one object (a device, a push): a loading boundary sends the 200 status with this
// skeleton, so their notFound() could no longer answer 404.
export function PageLoading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4">
      <span className="sr-only">Loading…</span>
      <div className="h-7 w-48 rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-4 w-80 max-w-full rounded bg-slate-200 dark:bg-slate-800" />
      <div className="h-48 rounded-lg bg-slate-200 dark:bg-slate-800" />
    </div>
  );
}
