// What the simulator prints: the live progress line and the summary at the end. Pure (no I/O).
import { CHANGE_KINDS, type ChangeKind } from "@/lib/simulator/transitions";

// The notifications of a run by where they are: waiting to be pushed, delivered, failed after their
// retries, or held while the integration is disabled after failures.
export type RunNotificationCounts = { waiting: number; delivered: number; failed: number; held: number };

export type SimulationProgress = {
  elapsedMs: number;
  changes: number;
  byKind: Record<ChangeKind, number>;
  // Changes the database already had (someone else set that status first): nothing was recorded.
  unchanged: number;
  errors: number;
  // Notifications the run's changes enqueued for delivery (the service's own answer).
  queued: number;
  notifications: RunNotificationCounts;
};

export type SimulationSummary = SimulationProgress & {
  ratePerSecond: number;
  // Changes the rate asked for that were not made: the service could not keep up.
  slotsMissed: number;
  // The first few distinct error messages, for the summary.
  errorMessages: string[];
  interrupted: boolean;
};

export function achievedRate(changes: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (changes * 1000) / elapsedMs : 0;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function notificationsText(progress: SimulationProgress): string {
  const { delivered, failed, held } = progress.notifications;
  return [`${progress.queued} queued`, `${delivered} delivered`, ...(failed ? [`${failed} failed`] : []), ...(held ? [`${held} held`] : [])].join(", ");
}

// One line: elapsed, changes, achieved rate, notifications queued vs delivered, errors.
export function formatProgressLine(progress: SimulationProgress): string {
  return [
    seconds(progress.elapsedMs),
    plural(progress.changes, "change"),
    `${achievedRate(progress.changes, progress.elapsedMs).toFixed(1)}/s`,
    `notifications: ${notificationsText(progress)}`,
    plural(progress.errors, "error"),
  ].join(" | ");
}

const KIND_LABELS: Record<ChangeKind, string> = {
  enroll: "enrolled",
  compliance: "compliance changes",
  delete: "deleted",
  re_enroll: "re-enrolled",
};

export function formatSummary(summary: SimulationSummary, seed: number): string {
  const rate = achievedRate(summary.changes, summary.elapsedMs);
  const kinds = CHANGE_KINDS.map((kind) => `${summary.byKind[kind]} ${KIND_LABELS[kind]}`).join(", ");
  const lines = [
    `${summary.interrupted ? "Stopped" : "Finished"} after ${seconds(summary.elapsedMs)}.`,
    `Changes:       ${summary.changes} (${kinds})`,
    `Rate:          ${rate.toFixed(1)}/s achieved, ${summary.ratePerSecond}/s asked${
      summary.slotsMissed > 0 ? `; ${summary.slotsMissed} changes missed because the service could not keep up` : ""
    }`,
    `Notifications: ${notificationsText(summary)}; ${summary.notifications.waiting} still waiting for delivery`,
    `Errors:        ${summary.errors}${summary.errorMessages.map((message) => `\n  ${message}`).join("")}`,
  ];
  if (summary.unchanged > 0) lines.push(`Unchanged:     ${summary.unchanged} (the device already had that status)`);
  lines.push(`Seed:          ${seed} (--seed ${seed} repeats this sequence of changes on the same devices)`);
  return lines.join("\n");
}
