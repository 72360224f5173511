// What the simulator reads: its devices' current statuses at the start, and its notifications'
// progress about once a second while it writes changes (small, indexed queries).
import "server-only";
import type { DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { EVENT_SETTLE_MS } from "@/lib/device-events";
import { listDevicePage } from "@/lib/devices";
import type { NotificationState } from "@/lib/webhooks/outbox";
import { SIMULATED_DEVICE_PREFIX, simulatedDeviceNumber } from "@/lib/simulator/fleet";
import type { RunNotificationCounts } from "@/lib/simulator/progress";

// The statuses of the account's simulated devices SIM-0001..SIM-<size> that exist already.
export async function loadSimulatedDeviceStatuses(accountId: string, size: number): Promise<Map<string, DeviceStatus>> {
  const statuses = new Map<string, DeviceStatus>();
  let after: string | undefined;
  do {
    const page = await listDevicePage(accountId, { query: SIMULATED_DEVICE_PREFIX }, after === undefined ? {} : { after }, 1000);
    for (const device of page.devices) {
      const number = simulatedDeviceNumber(device.deviceId);
      if (number !== null && number >= 1 && number <= size) statuses.set(device.deviceId, device.status as DeviceStatus);
    }
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
  return statuses;
}

// Notification states that may still change while the run goes on.
const OPEN_STATES = ["pending", "queued", "held"] satisfies NotificationState[];

type EventWindow = { gte: Date; lt?: Date };

// Counts the notifications of a run's changes by state, about once a second, without re-reading
// the whole run each time. Notifications of events older than every open notification, and older
// than EVENT_SETTLE_MS (by then every event has committed), are settled: delivered, or failed after
// their retries. They are counted once (an administrator's redelivery during the run is not counted
// again); later reads cover only the events after them. Every query is
// a range of an index: undelivered notifications by (account_id, state), events by (account_id, occurred_at).
export class RunNotificationCounter {
  private settledUntil: Date;
  private settled = { delivered: 0, failed: 0 };

  constructor(
    private readonly accountId: string,
    since: Date,
    private readonly actor: string,
  ) {
    this.settledUntil = since;
  }

  async read(now = new Date()): Promise<RunNotificationCounts> {
    // One read a state: with an IN list SQLite would not use the index of undelivered notifications.
    const oldestOpen = await Promise.all(
      OPEN_STATES.map((state) => db.notification.aggregate({ where: { accountId: this.accountId, state, occurredAt: { gte: this.settledUntil } }, _min: { occurredAt: true } })),
    );
    const horizon = new Date(Math.min(now.getTime() - EVENT_SETTLE_MS, ...oldestOpen.map((oldest) => oldest._min.occurredAt?.getTime() ?? Infinity)));
    if (horizon > this.settledUntil) {
      const settling = await this.countByState({ gte: this.settledUntil, lt: horizon });
      this.settled.delivered += settling.get("delivered") ?? 0;
      this.settled.failed += settling.get("failed") ?? 0;
      this.settledUntil = horizon;
    }
    const live = await this.countByState({ gte: this.settledUntil });
    const count = (state: NotificationState) => live.get(state) ?? 0;
    return {
      waiting: count("pending") + count("queued"),
      delivered: this.settled.delivered + count("delivered"),
      failed: this.settled.failed + count("failed"),
      held: count("held"),
    };
  }

  private async countByState(occurredAt: EventWindow): Promise<Map<string, number>> {
    const groups = await db.notification.groupBy({
      by: ["state"],
      where: { deviceEvent: { accountId: this.accountId, occurredAt, actor: this.actor } },
      _count: { _all: true },
    });
    return new Map(groups.map((group) => [group.state, group._count._all]));
  }
}
