// The prominent notices about delivery health: auto-disabled (with why and when), or failures
// approaching the threshold (at 50% and 90% of it), from the webhook's overview as every page that
// shows it loads it. Pages that let the user act pass `actions`.
import type { ReactNode } from "react";
import { Time } from "@/components/ui/time";
import type { WebhookOverview } from "@/lib/webhooks/overview";

type Props = {
  // The webhook's overview as the pages load it; nothing is shown while no webhook is set up.
  overview: Pick<WebhookOverview, "state" | "warning" | "settings" | "heldNotifications">;
  actions?: ReactNode;
};

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function FailureBanner({ overview, actions }: Props) {
  const { settings, heldNotifications } = overview;
  if (!settings) return null;
  if (overview.state === "auto_disabled") {
    return (
      <section aria-labelledby="auto-disabled-title" data-testid="auto-disabled-banner" className="mb-6 rounded-lg border border-red-300 bg-red-50 px-5 py-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        <h2 id="auto-disabled-title" className="flex items-center gap-2 font-semibold">
          <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5 shrink-0 fill-current">
            <path d="M10 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm0 4a1 1 0 0 0-1 1v4a1 1 0 1 0 2 0V7a1 1 0 0 0-1-1Zm0 8.5a1.1 1.1 0 1 0 0-2.2 1.1 1.1 0 0 0 0 2.2Z" />
          </svg>
          Webhook delivery is disabled
        </h2>
        <p className="mt-1 text-sm">
          {settings.disabledReason} {settings.disabledAt && <>Disabled on <Time date={settings.disabledAt} />.</>}
        </p>
        <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-1 text-sm">
          <div className="flex gap-1.5">
            <dt>Consecutive failed pushes:</dt>
            <dd data-testid="banner-failures" className="font-semibold tabular-nums">{settings.consecutiveFailures}</dd>
          </div>
          <div className="flex gap-1.5">
            <dt>Held notifications:</dt>
            <dd data-testid="banner-held" className="font-semibold tabular-nums">{heldNotifications}</dd>
          </div>
        </dl>
        <p className="mt-2 text-sm">
          {plural(heldNotifications, "status change is", "status changes are")} held: kept, not sent, until an administrator re-enables
          the integration. Check the receiver and the Event Log before re-enabling.
        </p>
        {actions}
      </section>
    );
  }
  if (overview.warning === "none") return null;
  const critical = overview.warning === "critical";
  return (
    <div role="status" data-testid="failure-warning" className={`mb-6 rounded-lg border px-5 py-4 text-sm ${critical ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"}`}>
      <span className="font-semibold">{settings.consecutiveFailures} of {settings.disableAfterFailures} consecutive pushes failed.</span> At {settings.disableAfterFailures} the
      integration is disabled automatically until an administrator re-enables it. Check the receiver and the Event Log.
    </div>
  );
}
