import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice, DeviceExistsError, DeviceNotFoundError } from "@/lib/device-events";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings } from "@/lib/webhooks/settings";

const history = (accountId: string, deviceId: string) =>
  db.deviceEvent.findMany({ where: { accountId, deviceId }, orderBy: { id: "asc" }, select: { previousStatus: true, status: true } });

describe("status changes requested at the same time (one group, one transaction)", () => {
  it("apply in the order asked, each reading the one before it, and fail alone for their own reason", async () => {
    const owner = await createUserWithAccount({ accountName: "Together", plan: "enterprise", email: "together@example.test", role: "owner" }, "test");
    const other = await createUserWithAccount({ accountName: "Together Too", email: "together-too@example.test", role: "owner" }, "test");
    await createDevice(owner.accountId, { deviceId: "OLD-1", name: "Old", platform: "Linux" }, "test");
    await createDevice(other.accountId, { deviceId: "OLD-1", name: "Old elsewhere", platform: "Linux" }, "test");
    await saveWebhookSettings({ id: owner.accountId, plan: owner.accountPlan }, { callbackUrl: "https://vendor.example/hook", apiKey: "together-key-1", events: ["installed", "compliant", "non_compliant"], enabled: true }, "test");

    // Not awaited one by one: they share a group.
    const outcomes = await Promise.allSettled([
      createDevice(owner.accountId, { deviceId: "NEW-1", name: "New", platform: "Linux" }, "test"),
      changeDeviceStatus(owner.accountId, "NEW-1", "compliant", "test"),
      changeDeviceStatus(owner.accountId, "NEW-1", "compliant", "test"),
      changeDeviceStatus(owner.accountId, "NEW-1", "non_compliant", "test"),
      changeDeviceStatus(owner.accountId, "MISSING-1", "compliant", "test"),
      createDevice(owner.accountId, { deviceId: "OLD-1", name: "Again", platform: "Linux" }, "test"),
      changeDeviceStatus(owner.accountId, "OLD-1", "compliant", "test"),
      changeDeviceStatus(other.accountId, "OLD-1", "non_compliant", "test"),
    ]);

    const values = outcomes.map((outcome) => (outcome.status === "fulfilled" ? { changed: outcome.value.changed, notified: outcome.value.notified } : outcome.reason));
    expect(values).toEqual([
      { changed: true, notified: true },
      { changed: true, notified: true },
      { changed: false, notified: false },
      { changed: true, notified: true },
      expect.any(DeviceNotFoundError),
      expect.any(DeviceExistsError),
      { changed: true, notified: true },
      // The other account has no webhook: the change is recorded, nothing is queued.
      { changed: true, notified: false },
    ]);
    expect(await history(owner.accountId, "NEW-1")).toEqual([
      { previousStatus: null, status: "installed" },
      { previousStatus: "installed", status: "compliant" },
      { previousStatus: "compliant", status: "non_compliant" },
    ]);
    expect(await history(owner.accountId, "OLD-1")).toEqual([
      { previousStatus: null, status: "installed" },
      { previousStatus: "installed", status: "compliant" },
    ]);
    expect(await history(other.accountId, "OLD-1")).toEqual([
      { previousStatus: null, status: "installed" },
      { previousStatus: "installed", status: "non_compliant" },
    ]);
    const devices = await db.device.findMany({ where: { deviceId: { in: ["NEW-1", "OLD-1", "MISSING-1"] } }, orderBy: [{ accountId: "asc" }, { deviceId: "asc" }], select: { accountId: true, deviceId: true, name: true, status: true } });
    expect(devices).toEqual(
      expect.arrayContaining([
        { accountId: owner.accountId, deviceId: "NEW-1", name: "New", status: "non_compliant" },
        { accountId: owner.accountId, deviceId: "OLD-1", name: "Old", status: "compliant" },
        { accountId: other.accountId, deviceId: "OLD-1", name: "Old elsewhere", status: "non_compliant" },
      ]),
    );
    expect(devices).toHaveLength(3);
    // One notification per change the webhook is subscribed to, none for the refused ones.
    const notified = await db.notification.findMany({ where: { accountId: owner.accountId }, orderBy: { occurredAt: "asc" }, select: { deviceId: true, status: true } });
    expect(notified.filter(({ deviceId }) => deviceId === "NEW-1").map(({ status }) => status)).toEqual(["installed", "compliant", "non_compliant"]);
    expect(notified.filter(({ deviceId }) => deviceId === "OLD-1").map(({ status }) => status)).toEqual(["compliant"]);
  });
});
