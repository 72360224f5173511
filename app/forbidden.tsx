import Link from "next/link";

// Shown with HTTP 403 when a signed-in user opens a page their role does not allow.
export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-700 dark:text-indigo-300">403</p>
      <h1 className="mt-2 text-2xl font-semibold">You don&apos;t have access to this page</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Only owners and admins of this account can open it. Ask one of them if you need access.</p>
      <Link href="/dashboard" className="mt-6 inline-block text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">Back to the dashboard</Link>
    </main>
  );
}
