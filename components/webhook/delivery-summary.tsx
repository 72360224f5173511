// The integration's delivery health at a glance: failures against the automatic-disable threshold,
// what is held or gave up, and when the settings last changed.
import Link from "next/link";
import { Time } from "@/components/ui/time";

type Props = {
  consecutiveFailures: number;
  threshold: number;
  heldNotifications: number;
  failedNotifications: number;
  updatedAt: Date;
};

const linkClass = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";

export function DeliverySummary(props: Props | { notConfigured: true }) {
  if ("notConfigured" in props) {
    return (
      <div className="space-y-3 text-sm">
        <p>Nothing is sent until a callback URL and API key are saved.</p>
        <p>
          <Link href="/event-log/webhook" className={linkClass}>Open the Event Log</Link>
        </p>
      </div>
    );
  }
  const rows: [string, string, string][] = [
    ["Failed pushes in a row", `${props.consecutiveFailures} of ${props.threshold}`, "consecutive-failures"],
    ["Held notifications", String(props.heldNotifications), "held-notifications"],
    ["Failed after all retries", String(props.failedNotifications), "failed-notifications"],
  ];
  return (
    <div className="text-sm">
      <dl className="-mt-1 divide-y divide-slate-200 dark:divide-slate-800">
        {rows.map(([label, value, testId]) => (
          <div key={testId} className="flex items-baseline justify-between gap-4 py-2">
            <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
            <dd data-testid={testId} className="font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        After {props.threshold} failed pushes in a row, delivery is disabled automatically until an administrator re-enables it.
      </p>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        Settings last changed <Time date={props.updatedAt} />.
      </p>
      <p className="mt-3">
        <Link href="/event-log/webhook" className={linkClass}>See every push in the Event Log</Link>
      </p>
    </div>
  );
}
