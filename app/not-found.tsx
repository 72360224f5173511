import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-700 dark:text-indigo-300">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">The page does not exist, or it belongs to another account.</p>
      <Link href="/dashboard" className="mt-6 inline-block text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300">Back to the dashboard</Link>
    </main>
  );
}
