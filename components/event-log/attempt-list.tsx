// Every HTTP attempt of one push, oldest first: when, where, what came back, how long it took, the
// request headers as stored (secrets already redacted) and the response body as stored (truncated).
import { Time } from "@/components/ui/time";
import { HttpStatus } from "@/components/webhook/push-result-badge";

export type AttemptView = {
  id: string;
  number: number;
  url: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  requestHeaders: Record<string, string>;
  responseBody: string | null;
};

const preClass = "mt-1.5 max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200";
const termClass = "text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400";

function formatGap(ms: number): string {
  return ms < 10_000 ? `${ms.toLocaleString("en-GB")} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function Attempt({ attempt, previous }: { attempt: AttemptView; previous?: AttemptView }) {
  const headingId = `attempt-${attempt.number}`;
  const gap = previous ? attempt.startedAt.getTime() - (previous.startedAt.getTime() + previous.durationMs) : null;
  return (
    <li>
      <article aria-labelledby={headingId} data-testid="attempt" className="rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h3 id={headingId} className="flex flex-wrap items-baseline gap-x-3 text-sm font-semibold">
            <span>Attempt {attempt.number}</span>
            <HttpStatus code={attempt.statusCode} errorClass={attempt.errorClass} />
            <span className="font-normal tabular-nums text-slate-600 dark:text-slate-400">{attempt.durationMs} ms</span>
          </h3>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            <Time date={attempt.startedAt} />
            {gap !== null && <span> · retried {formatGap(Math.max(0, gap))} after attempt {previous!.number}</span>}
          </p>
        </header>
        <div className="space-y-4 px-4 py-4">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
            <dt className="font-medium">URL</dt>
            <dd className="break-all font-mono text-xs">{attempt.url}</dd>
            <dt className="font-medium">Outcome</dt>
            <dd>
              {attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : `No HTTP answer (${(attempt.errorClass ?? "error").replaceAll("_", " ")})`}
              {attempt.errorMessage && <span className="block break-words text-slate-600 dark:text-slate-400">{attempt.errorMessage}</span>}
            </dd>
          </dl>
          <div>
            <h4 className={termClass}>Request headers</h4>
            <table className="mt-1.5 w-full text-left font-mono text-xs">
              <caption className="sr-only">Request headers of attempt {attempt.number}</caption>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {Object.entries(attempt.requestHeaders).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row" className="w-px whitespace-nowrap py-1 pr-6 align-top font-medium text-slate-700 dark:text-slate-300">{name}</th>
                    <td className="break-all py-1">{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <h4 className={termClass}>Response body</h4>
            {attempt.responseBody ? (
              <pre className={preClass} tabIndex={0} aria-label={`Response body of attempt ${attempt.number}`}>{attempt.responseBody}</pre>
            ) : (
              <p className="mt-1.5 text-sm text-slate-600 dark:text-slate-400">{attempt.statusCode === null ? "No response was received." : "The response had no body."}</p>
            )}
          </div>
        </div>
      </article>
    </li>
  );
}

export function AttemptList({ attempts }: { attempts: AttemptView[] }) {
  return (
    <ol className="space-y-4">
      {attempts.map((attempt, index) => (
        <Attempt key={attempt.id} attempt={attempt} previous={attempts[index - 1]} />
      ))}
    </ol>
  );
}
