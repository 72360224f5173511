// A second process changing device statuses through the same service, for cross-process tests.
// Usage: tsx --conditions=react-server tests/support/status-writer.ts <accountId> <deviceId> <changes>
import { changeDeviceStatus } from "@/lib/device-events";
import { db } from "@/lib/db";

const [accountId, deviceId, changes] = process.argv.slice(2);
for (let i = 0; i < Number(changes); i++) {
  await changeDeviceStatus(accountId!, deviceId!, i % 2 === 0 ? "compliant" : "non_compliant", "writer-process");
}
await db.$disconnect();
console.log("done");
