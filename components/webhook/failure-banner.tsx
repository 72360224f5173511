// The prominent notices about delivery health: auto-disabled (with why and when), or failures
// approaching the threshold (at 50% and 90% of it).
import { Time } from "@/components/ui/time";

type Props = {
  state: "not_configured" | "enabled" | "disabled" | "auto_disabled";
  warning: "none" | "warning" | "critical";
  consecutiveFailures: number;
  threshold: number;
  disabledReason: string | null;
  disabledAt: Date | null;
  heldNotifications: number;
};

export function FailureBanner(props: Props) {
  if (props.state === "auto_disabled") {
    return (
      <div role="status" data-testid="auto-disabled-banner" className="mb-6 rounded-lg border border-red-300 bg-red-50 px-5 py-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
        <h2 className="font-semibold">Webhook delivery is disabled</h2>
        <p className="mt-1 text-sm">
          {props.disabledReason} {props.disabledAt && <>Since <Time date={props.disabledAt} />.</>} {props.consecutiveFailures} consecutive
          failed pushes; {props.heldNotifications} notification{props.heldNotifications === 1 ? " is" : "s are"} held and will be sent when an
          administrator re-enables the integration.
        </p>
      </div>
    );
  }
  if (props.warning === "none") return null;
  const critical = props.warning === "critical";
  return (
    <div role="status" data-testid="failure-warning" className={`mb-6 rounded-lg border px-5 py-4 text-sm ${critical ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"}`}>
      <span className="font-semibold">{props.consecutiveFailures} of {props.threshold} consecutive pushes failed.</span> At {props.threshold} the
      integration is disabled automatically until an administrator re-enables it. Check the receiver and the Event Log.
    </div>
  );
}
