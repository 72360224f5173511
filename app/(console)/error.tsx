"use client";
// Shown when a console page fails to load: plain words and a retry, never a stack trace.
import { Button } from "@/components/ui/button";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-300 bg-red-50 px-6 py-8 dark:border-red-800 dark:bg-red-950">
      <h1 className="text-lg font-semibold text-red-900 dark:text-red-200">This page could not be loaded</h1>
      <p className="mt-1 text-sm text-red-800 dark:text-red-300">
        Something went wrong on our side. Try again; if it keeps happening, tell your operator
        {error.digest ? ` the reference ${error.digest}` : ""}.
      </p>
      <Button className="mt-4" variant="secondary" onClick={reset}>Try again</Button>
    </div>
  );
}
