// Agent: writes `perAccount` status changes for each account as the outbox holds them (a device
// event and its pending notification), in one transaction, then wakes the dispatchers as the app
// does after a commit. Prints the commit time (ms, high resolution) on the last line.
//   seed-notifications.ts <perAccount> <accountId,accountId,…>
import { parseArgs } from "node:util";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { signalNewWork } from "@/lib/webhooks/wake";

const { positionals } = parseArgs({ allowPositionals: true });
const perAccount = Number(positionals[0]);
const accountIds = positionals[1]!.split(",");
const CHUNK = 1000;

const occurredAt = new Date();
const events = accountIds.flatMap((accountId) =>
  Array.from({ length: perAccount }, (_, index) => ({
    id: `bev_${accountId}_${index}`,
    accountId,
    deviceId: `DEV-${String(index % 500).padStart(4, "0")}`,
    status: DEVICE_STATUSES[index % DEVICE_STATUSES.length]!,
    actor: "bench",
    occurredAt,
  })),
);
await db.$transaction(
  async (tx) => {
    for (let start = 0; start < events.length; start += CHUNK) {
      const chunk = events.slice(start, start + CHUNK);
      await tx.deviceEvent.createMany({ data: chunk });
      await tx.notification.createMany({
        data: chunk.map((event) => ({ accountId: event.accountId, deviceEventId: event.id, deviceId: event.deviceId, status: event.status, occurredAt: event.occurredAt, state: "pending" })),
      });
    }
  },
  { timeout: 120_000 },
);
const committedAt = performance.timeOrigin + performance.now();
signalNewWork();
// On PostgreSQL the NOTIFY goes out through the pool asynchronously: give it a moment before leaving.
await new Promise((resolve) => setTimeout(resolve, 200));
await db.$disconnect();
console.log(JSON.stringify({ committedAt }));
