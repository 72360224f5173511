// The facts of one push above its attempts: what it is, where it stands, what it carried, and how it
// relates to other pushes (the original it redelivers, or its redeliveries).
import Link from "next/link";
import type { ReactNode } from "react";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { Time } from "@/components/ui/time";
import { HttpStatus, PushResultBadge } from "@/components/webhook/push-result-badge";
import { pushHref } from "./push-table";

export type PushSummaryView = {
  id: string;
  kind: string;
  state: string;
  redeliveryOfId: string | null;
  createdAt: Date;
  completedAt: Date | null;
  nextAttemptAt: Date | null;
  attemptCount: number;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  items: { notificationId: string; deviceId: string; status: string }[];
  redeliveries: { id: string; state: string; createdAt: Date }[];
};

const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";
const deviceHref = (deviceId: string) => `/devices/${encodeURIComponent(deviceId)}`;

function explainState(push: PushSummaryView): ReactNode {
  switch (push.state) {
    case "succeeded":
      return "Delivered: the receiver answered with a 2xx status.";
    case "failed":
      return push.kind === "test" ? "The test push did not get a 2xx answer." : "Not delivered: every attempt failed and no retries are left.";
    case "retrying":
      return push.nextAttemptAt ? <>The last attempt failed; the next one is due at <Time date={push.nextAttemptAt} />.</> : "The last attempt failed; a retry is scheduled.";
    case "held":
      return "Held: the webhook was off, so this push was kept without being sent.";
    case "sending":
      return "An attempt is under way.";
    default:
      return "Waiting to be sent.";
  }
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium">{term}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

export function PushSummary({ push }: { push: PushSummaryView }) {
  return (
    <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
      <Row term="Result">
        <span className="flex flex-wrap items-center gap-2">
          <PushResultBadge state={push.state} />
          <span className="text-slate-700 dark:text-slate-300">{explainState(push)}</span>
        </span>
      </Row>
      <Row term="Kind">
        {push.kind === "redelivery" && push.redeliveryOfId ? (
          <span data-testid="redelivery-of">
            Redelivery of <Link href={pushHref(push.redeliveryOfId)} className={`font-mono text-xs ${linkClass}`}>{push.redeliveryOfId}</Link>
          </span>
        ) : push.kind === "test" ? (
          "Test push, sent from Settings › Integrations (never retried)"
        ) : (
          "Delivery of device status changes"
        )}
      </Row>
      <Row term="Webhook id">
        <code className="break-all font-mono text-xs">{push.id}</code>
        <span className="block text-xs text-slate-600 dark:text-slate-400">Sent as the webhook-id header, the same on every retry: the receiver&apos;s idempotency key.</span>
      </Row>
      <Row term="Created"><Time date={push.createdAt} /></Row>
      <Row term="Finished">{push.completedAt ? <Time date={push.completedAt} /> : "Not yet"}</Row>
      <Row term="Attempts">
        <span className="tabular-nums">{push.attemptCount}</span>
        {push.attemptCount > 0 && <span className="text-slate-600 dark:text-slate-400"> · last: <HttpStatus code={push.lastStatusCode} errorClass={push.lastErrorClass} /></span>}
      </Row>
      <Row term={push.items.length === 1 ? "Notification" : `Notifications (${push.items.length})`}>
        {push.kind === "test" ? (
          <span className="text-slate-600 dark:text-slate-400">A sample notification for a device that does not exist.</span>
        ) : (
          <ul className="space-y-1">
            {push.items.map((item) => (
              <li key={item.notificationId} className="flex flex-wrap items-center gap-2">
                <Link href={deviceHref(item.deviceId)} className={`break-all font-mono text-xs ${linkClass}`}>{item.deviceId}</Link>
                <DeviceStatusBadge status={item.status} />
              </li>
            ))}
          </ul>
        )}
      </Row>
      {push.kind !== "test" && (
        <Row term="Redeliveries">
          {push.redeliveries.length === 0 ? (
            <span className="text-slate-600 dark:text-slate-400">None</span>
          ) : (
            <ul data-testid="redeliveries" className="space-y-1">
              {push.redeliveries.map((redelivery) => (
                <li key={redelivery.id} className="flex flex-wrap items-center gap-2">
                  <Link href={pushHref(redelivery.id)} className={`break-all font-mono text-xs ${linkClass}`}>{redelivery.id}</Link>
                  <PushResultBadge state={redelivery.state} />
                  <span className="text-xs text-slate-600 dark:text-slate-400"><Time date={redelivery.createdAt} /></span>
                </li>
              ))}
            </ul>
          )}
        </Row>
      )}
    </dl>
  );
}
