// First-run seed: on an empty database, a demo enterprise account with an owner and a few devices,
// so the console has something real to show. The owner's password is generated, never fixed.
import "server-only";
import { countAccounts } from "@/lib/accounts";
import type { DeviceStatus } from "@/lib/contract/statuses";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { createUserWithAccount } from "@/lib/users";

export const DEMO_ACCOUNT = "Demo Enterprise";
export const DEMO_OWNER_EMAIL = "owner@demo.example";

type DemoDevice = { deviceId: string; name: string; platform: string; status: DeviceStatus; lastSeenAt: Date };

function demoDevices(now: number): DemoDevice[] {
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
  return [
    { deviceId: "LAPTOP-0417", name: "Finance laptop", platform: "Windows 11", status: "compliant", lastSeenAt: minutesAgo(3) },
    { deviceId: "MBP-2231", name: "Design MacBook Pro", platform: "macOS 15", status: "compliant", lastSeenAt: minutesAgo(12) },
    { deviceId: "IPHONE-8812", name: "Sales iPhone", platform: "iOS 18", status: "non_compliant", lastSeenAt: minutesAgo(41) },
    { deviceId: "PIXEL-5520", name: "Field Pixel", platform: "Android 15", status: "installed", lastSeenAt: minutesAgo(90) },
    { deviceId: "BUILD-01", name: "Build server", platform: "Ubuntu 24.04", status: "compliant", lastSeenAt: minutesAgo(1) },
  ];
}

// Returns the owner's credentials when it created the demo account, null when the database had data.
export async function seedDemoIfEmpty(now = Date.now()): Promise<{ email: string; password: string } | null> {
  if ((await countAccounts()) > 0) return null;
  const { accountId, password } = await createUserWithAccount(
    { accountName: DEMO_ACCOUNT, plan: "enterprise", email: DEMO_OWNER_EMAIL, name: "Demo Owner", role: "owner" },
    "system",
  );
  // Through the same service as the console and API, so each device has its status history.
  for (const device of demoDevices(now)) {
    const enrolled = new Date(device.lastSeenAt.getTime() - 24 * 60 * 60 * 1000);
    await createDevice(accountId, device, "system", enrolled);
    if (device.status !== "installed") await changeDeviceStatus(accountId, device.deviceId, device.status, "system", device.lastSeenAt);
  }
  return { email: DEMO_OWNER_EMAIL, password };
}
