// Bookkeeping of the chaos suite: what was committed against what the receivers saw. A notification
// is lost when no receiver accepted (answered 2xx to) a request carrying it; a duplicate is any
// accepted delivery of it after the first. Its delay runs from its commit to its first acceptance.
import type { Arrival } from "./chaos-receivers";

type Item = { device_id: string; status: string; timestamp: number };

// One committed status change: when the writer's transaction returned, and the change's timestamp.
export type Committed = { committedAt: number; occurredAtMs: number };

export type RunAudit = {
  notifications: number;
  requests: number;
  lost: string[];
  unexpected: string[]; // accepted, yet never committed
  bodyChanged: string[]; // a webhook-id sent with different bodies
  underSeveralIds: string[]; // a notification sent under more than one webhook-id
  wrongTimestamp: string[];
  duplicates: number;
  delaysMs: number[];
};

export const notificationKey = (deviceId: string, status: string) => `${deviceId}|${status}`;

export function auditRun(committed: ReadonlyMap<string, Committed>, arrivals: readonly Arrival[]): RunAudit {
  const bodyOfId = new Map<string, string>();
  const idsOfKey = new Map<string, Set<string>>();
  const acceptances = new Map<string, number[]>();
  const bodyChanged = new Set<string>();
  const wrongTimestamp = new Set<string>();
  for (const arrival of arrivals) {
    const known = bodyOfId.get(arrival.webhookId);
    if (known === undefined) bodyOfId.set(arrival.webhookId, arrival.body);
    else if (known !== arrival.body) bodyChanged.add(arrival.webhookId);
    for (const item of JSON.parse(arrival.body) as Item[]) {
      const key = notificationKey(item.device_id, item.status);
      idsOfKey.set(key, (idsOfKey.get(key) ?? new Set()).add(arrival.webhookId));
      const expected = committed.get(key);
      if (expected && expected.occurredAtMs !== item.timestamp) wrongTimestamp.add(key);
      if (arrival.accepted) acceptances.set(key, [...(acceptances.get(key) ?? []), arrival.receivedAt]);
    }
  }
  const delaysMs: number[] = [];
  let duplicates = 0;
  for (const [key, times] of acceptances) {
    duplicates += times.length - 1;
    const expected = committed.get(key);
    if (expected) delaysMs.push(Math.max(0, Math.min(...times) - expected.committedAt));
  }
  return {
    notifications: committed.size,
    requests: arrivals.length,
    lost: [...committed.keys()].filter((key) => !acceptances.has(key)),
    unexpected: [...acceptances.keys()].filter((key) => !committed.has(key)),
    bodyChanged: [...bodyChanged],
    underSeveralIds: [...idsOfKey].filter(([, ids]) => ids.size > 1).map(([key, ids]) => `${key}: ${[...ids].join(", ")}`),
    wrongTimestamp: [...wrongTimestamp],
    duplicates,
    delaysMs,
  };
}

// Running totals for one line of the summary (a fault kind, or everything).
// failedAttempts: the error classes the worker recorded (Event Log > Webhook), with their counts.
export type Tally = { runs: number; notifications: number; requests: number; faults: number; lost: number; duplicates: number; delaysMs: number[]; failedAttempts: Map<string, number> };

export const emptyTally = (): Tally => ({ runs: 0, notifications: 0, requests: 0, faults: 0, lost: 0, duplicates: 0, delaysMs: [], failedAttempts: new Map() });

// Adds one receiver's share of a run; the caller counts the runs.
export function addToTally(tally: Tally, audit: RunAudit, faults: number, failedAttempts: ReadonlyMap<string, number>): void {
  for (const [errorClass, count] of failedAttempts) tally.failedAttempts.set(errorClass, (tally.failedAttempts.get(errorClass) ?? 0) + count);
  tally.notifications += audit.notifications;
  tally.requests += audit.requests;
  tally.faults += faults;
  tally.lost += audit.lost.length;
  tally.duplicates += audit.duplicates;
  for (const delay of audit.delaysMs) tally.delaysMs.push(delay);
}

function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export function describeTally(label: string, tally: Tally, extra = ""): string {
  const sorted = [...tally.delaysMs].sort((a, b) => a - b);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return (
    `${label.padEnd(10)} runs=${tally.runs} notifications=${tally.notifications} requests=${tally.requests} faults=${tally.faults} ` +
    `lost=${tally.lost} duplicates=${tally.duplicates} delay p50=${seconds(percentile(sorted, 0.5))} p99=${seconds(percentile(sorted, 0.99))} ` +
    `longest=${seconds(sorted.at(-1) ?? 0)} failed attempts: ${[...tally.failedAttempts].map(([errorClass, count]) => `${errorClass}=${count}`).join(" ") || "none"}` +
    (extra ? ` ${extra}` : "")
  );
}
