// The answer to "Send test": the receiver's status code, how long it took and what it said back,
// or what went wrong in plain words.
import Link from "next/link";
import type { TestPushView } from "./form-states";

export function TestPushResult({ result }: { result: TestPushView }) {
  const tone = result.ok
    ? "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200"
    : "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200";
  return (
    <div data-testid="test-push-result" className={`rounded-lg border px-4 py-3 text-sm ${tone}`}>
      <p className="font-semibold">{result.ok ? "Test push delivered" : "Test push failed"}</p>
      {!result.ok && result.errorMessage && <p className="mt-1">{result.errorMessage}</p>}
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1">
        <div className="flex gap-1.5">
          <dt>HTTP status</dt>
          <dd data-testid="test-push-status" className="font-mono font-semibold">{result.status ?? "none"}</dd>
        </div>
        <div className="flex gap-1.5">
          <dt>Time</dt>
          <dd data-testid="test-push-duration" className="font-mono font-semibold">{result.durationMs} ms</dd>
        </div>
      </dl>
      {result.bodyExcerpt && (
        <div className="mt-2">
          <p>Response (first 500 characters)</p>
          <pre className="mt-1 whitespace-pre-wrap break-all rounded border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs text-slate-800 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-200">
            {result.bodyExcerpt}
          </pre>
        </div>
      )}
      <p className="mt-2">
        The test is listed in the <Link href="/event-log/webhook" className="font-medium underline">Event Log</Link>; it is never retried and
        never counts towards the automatic disable.
      </p>
    </div>
  );
}
