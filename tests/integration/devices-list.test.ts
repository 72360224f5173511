import { beforeAll, describe, expect, it } from "vitest";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { getDevice, listDevicePage, type DeviceListFilter } from "@/lib/devices";

let accountId: string;
let otherAccountId: string;
// 137 devices: ids that sort in tricky ways (case, digits, punctuation, markup), names that match searches.
const DEVICES: { deviceId: string; name: string; status: DeviceStatus }[] = [];

beforeAll(async () => {
  accountId = (await db.account.create({ data: { name: "Fleet list", plan: "enterprise" } })).id;
  otherAccountId = (await db.account.create({ data: { name: "Other fleet", plan: "enterprise" } })).id;
  for (let i = 0; i < 130; i++) {
    const deviceId = i % 3 === 0 ? `LAPTOP-${String(i).padStart(4, "0")}` : i % 3 === 1 ? `phone-${i}` : `Tablet_${i}`;
    DEVICES.push({ deviceId, name: i % 5 === 0 ? `Reception desk ${i}` : `Staff device ${i}`, status: DEVICE_STATUSES[i % DEVICE_STATUSES.length]! });
  }
  for (const deviceId of ["<img src=x onerror=alert(1)>", "a/b c", "%41", "Z", "z", "0", "ü-device"]) {
    DEVICES.push({ deviceId, name: "Odd id", status: "installed" });
  }
  for (const device of DEVICES) {
    await createDevice(accountId, { deviceId: device.deviceId, name: device.name, platform: "Linux" }, "test");
    if (device.status !== "installed") await changeDeviceStatus(accountId, device.deviceId, device.status, "test");
  }
  // Same ids in another account: never listed here.
  for (const deviceId of ["LAPTOP-0000", "phone-1", "Reception-other"]) await createDevice(otherAccountId, { deviceId, name: "Reception desk", platform: "macOS" }, "test");
});

function expected(filter: DeviceListFilter) {
  const query = filter.query?.toLowerCase();
  return DEVICES.filter((device) => !filter.status || device.status === filter.status)
    .filter((device) => !query || device.deviceId.toLowerCase().includes(query) || device.name.toLowerCase().includes(query))
    .map((device) => device.deviceId);
}

// Follows the next-page cursor from the first page to the end.
async function forward(filter: DeviceListFilter, limit: number) {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await listDevicePage(accountId, filter, after === undefined ? {} : { after }, limit);
    pages.push(page.devices.map((device) => device.deviceId));
    expect(page.devices.every((device) => device.accountId === accountId)).toBe(true);
    expect(page.previousBefore === null).toBe(pages.length === 1);
    after = page.nextAfter ?? undefined;
    if (pages.length > 200) throw new Error("pagination does not end");
  } while (after !== undefined);
  return pages;
}

describe("keyset pagination of the device list", () => {
  const filters: [string, DeviceListFilter][] = [
    ["no filter", {}],
    ["a status", { status: "compliant" }],
    ["a search on ids", { query: "laptop" }],
    ["a search on names", { query: "reception" }],
    ["a search and a status", { query: "phone", status: "non_compliant" }],
  ];

  for (const [label, filter] of filters) {
    it(`returns every device exactly once across pages with ${label}`, async () => {
      const want = expected(filter);
      expect(want.length).toBeGreaterThan(5);
      for (const limit of [1, 7, 50, 500]) {
        const pages = await forward(filter, limit);
        const seen = pages.flat();
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual([...want].sort());
        expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
        expect(pages.length).toBe(Math.max(1, Math.ceil(want.length / limit)));
      }
    });
  }

  it("walks back with the previous-page cursor to the same pages", async () => {
    const filter: DeviceListFilter = { query: "e" };
    const pages = await forward(filter, 9);
    expect(pages.length).toBeGreaterThan(3);
    let page = await listDevicePage(accountId, filter, { after: pages.at(-2)!.at(-1)! }, 9);
    for (let index = pages.length - 1; index > 0; index--) {
      expect(page.devices.map((device) => device.deviceId)).toEqual(pages[index]);
      page = await listDevicePage(accountId, filter, { before: page.previousBefore! }, 9);
    }
    expect(page.devices.map((device) => device.deviceId)).toEqual(pages[0]);
    expect(page.previousBefore).toBeNull();
    expect(page.nextAfter).toBe(pages[0]!.at(-1));
  });

  it("keeps a device on one page when its status changes between pages", async () => {
    const first = await listDevicePage(accountId, {}, {}, 20);
    // Change devices on both sides of the cursor: ordering by last update would move them.
    await changeDeviceStatus(accountId, first.devices[3]!.deviceId, "deleted", "test");
    const later = DEVICES.map((device) => device.deviceId).sort().at(-3)!;
    await changeDeviceStatus(accountId, later, "compliant", "test");
    const rest: string[] = [];
    let after = first.nextAfter;
    while (after) {
      const page = await listDevicePage(accountId, {}, { after }, 20);
      rest.push(...page.devices.map((device) => device.deviceId));
      after = page.nextAfter;
    }
    const all = [...first.devices.map((device) => device.deviceId), ...rest];
    expect(all).toHaveLength(DEVICES.length);
    expect(new Set(all).size).toBe(DEVICES.length);
  });

  it("answers an empty page, not an error, for a cursor past the end or a filter without matches", async () => {
    expect(await listDevicePage(accountId, {}, { after: "\u{10FFFF}" })).toEqual({ devices: [], nextAfter: null, previousBefore: null });
    expect((await listDevicePage(accountId, { query: "nothing-like-this" })).devices).toEqual([]);
  });
});

describe("one device", () => {
  it("is found by its id in its own account only", async () => {
    expect((await getDevice(accountId, "a/b c"))?.name).toBe("Odd id");
    expect(await getDevice(otherAccountId, "a/b c")).toBeNull();
    expect(await getDevice(accountId, "Reception-other")).toBeNull();
  });
});
