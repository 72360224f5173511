import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { sqlTransaction } from "@/lib/sql";
import { createUserWithAccount } from "@/lib/users";

describe("the hot paths' SQL (lib/sql.ts)", () => {
  it("updates each row to its own values, matching every key and the condition, and names the rows it changed", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Row Updates", email: "rows@example.test", role: "owner" }, "test");
    for (const deviceId of ["ROW-1", "ROW-2", "ROW-3"]) await createDevice(accountId, { deviceId, name: deviceId, platform: "Linux" }, "test");
    const before = Object.fromEntries((await db.device.findMany({ where: { accountId } })).map((device) => [device.deviceId, device]));
    const ids = Object.fromEntries(Object.values(before).map((device) => [device.deviceId, device.id]));
    const seen = new Date("2026-11-30T10:20:30.456Z");

    const changed = await sqlTransaction((sql) =>
      sql.update(
        "devices",
        { keys: { id: "text", name: "text" }, set: { status: "text", last_seen_at: "timestamp", platform: "text" }, where: "devices.status = 'installed'" },
        [
          [ids["ROW-1"]!, "ROW-1", "compliant", seen, "Windows 11"],
          [ids["ROW-2"]!, "ROW-2", "non_compliant", null, "macOS"],
          // A key that does not match (the name) and a row that is not there: left as they are.
          [ids["ROW-3"]!, "another name", "compliant", seen, "Windows 11"],
          ["no-such-device", "ROW-1", "compliant", seen, "Windows 11"],
        ],
      ),
    );

    expect([...changed].sort()).toEqual([ids["ROW-1"], ids["ROW-2"]].sort());
    const devices = Object.fromEntries((await db.device.findMany({ where: { accountId } })).map((device) => [device.deviceId, device]));
    expect(devices["ROW-1"]).toMatchObject({ status: "compliant", lastSeenAt: seen, platform: "Windows 11" });
    expect(devices["ROW-2"]).toMatchObject({ status: "non_compliant", lastSeenAt: null, platform: "macOS" });
    expect(devices["ROW-3"]).toEqual(before["ROW-3"]);

    // The condition is read before the update: the rows now compliant no longer match it.
    const again = await sqlTransaction((sql) => sql.update("devices", { keys: { id: "text" }, set: { status: "text" }, where: "devices.status = 'installed'" }, [[ids["ROW-1"]!, "deleted"]]));
    expect(again).toEqual([]);
    expect(await sqlTransaction((sql) => sql.update("devices", { keys: { id: "text" }, set: { status: "text" } }, []))).toEqual([]);
  });
});
