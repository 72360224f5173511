// /api/v1/devices/{device_id} as an agent or a vendor's script meets it: read a device, change its
// status, delete it and page through its history; ids with odd characters round-trip through the
// URL; a status change made through the API reaches a real receiver as the documented callback.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listDevicesRoute, POST as createDeviceRoute } from "@/app/api/v1/devices/route";
import { DELETE as deleteRoute, GET as getRoute } from "@/app/api/v1/devices/[device_id]/route";
import { GET as historyRoute } from "@/app/api/v1/devices/[device_id]/events/route";
import { POST as statusRoute } from "@/app/api/v1/devices/[device_id]/status/route";
import type { ApiScope } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { apiAccount, apiToken, callApi, expectDocumented, expectDocumentedCallback, type ApiAnswer } from "../support/api";
import { accountWithWebhook, API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const devicePath = (deviceId: string, suffix = "") => `/devices/${encodeURIComponent(deviceId)}${suffix}`;
// Next.js hands route handlers the decoded segment: "a%2Fb" in the URL is { device_id: "a/b" }.
const params = (deviceId: string) => ({ device_id: deviceId });

const getDevice = (token: string, deviceId: string) => callApi(getRoute, { path: devicePath(deviceId), token, params: params(deviceId) });
const deleteDevice = (token: string, deviceId: string) => callApi(deleteRoute, { method: "DELETE", path: devicePath(deviceId), token, params: params(deviceId) });
const setStatus = (token: string, deviceId: string, body: unknown, headers?: Record<string, string>) =>
  callApi(statusRoute, { method: "POST", path: devicePath(deviceId, "/status"), token, body, headers, params: params(deviceId) });
const history = (token: string, deviceId: string, query = "") => callApi(historyRoute, { path: devicePath(deviceId, "/events") + query, token, params: params(deviceId) });

const enroll = (accountId: string, deviceId: string, at?: Date) => createDevice(accountId, { deviceId, name: "Ward tablet", platform: "Android 15" }, "setup", at);
const eventsOf = (accountId: string, deviceId?: string) => db.deviceEvent.findMany({ where: { accountId, deviceId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
const storedDevice = (accountId: string, deviceId: string) => db.device.findUnique({ where: { accountId_deviceId: { accountId, deviceId } } });

// Every page of a device's history, following next_cursor, with the limit given.
async function allHistoryPages(token: string, deviceId: string, limit: number): Promise<ApiAnswer[]> {
  const pages: ApiAnswer[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiAnswer = await history(token, deviceId, `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(page.status).toBe(200);
    expectDocumented("listDeviceHistory", page);
    pages.push(page);
    cursor = page.body.next_cursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return pages;
}

const ALL_SCOPES_BUT = (...missing: ApiScope[]) => (["devices:read", "devices:write", "webhook:read", "webhook:write", "logs:read"] as ApiScope[]).filter((scope) => !missing.includes(scope));

let account: { accountId: string; token: string };
let other: { accountId: string; token: string };
beforeAll(async () => {
  account = await apiAccount();
  other = await apiAccount();
});

describe("GET /devices/{device_id}", () => {
  it("answers the device", async () => {
    await enroll(account.accountId, "READ-1");
    const answer = await getDevice(account.token, "READ-1");
    expect(answer.status).toBe(200);
    expectDocumented("getDevice", answer);
    expect(answer.body).toEqual({
      device_id: "READ-1",
      name: "Ward tablet",
      platform: "Android 15",
      status: "installed",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("answers 404 for an unknown id, an impossible id and another account's device", async () => {
    await enroll(other.accountId, "THEIRS-1");
    for (const deviceId of ["NO-SUCH-DEVICE", "x".repeat(129), "THEIRS-1"]) {
      const answer = await getDevice(account.token, deviceId);
      expect(answer.status, deviceId.slice(0, 20)).toBe(404);
      expectDocumented("getDevice", answer);
    }
    const theirs = await getDevice(account.token, "THEIRS-1");
    expect(theirs.body.code).toBe("device_not_found");
    expect(theirs.text).not.toContain("Android");
    // Their own token reads it.
    expect((await getDevice(other.token, "THEIRS-1")).status).toBe(200);
  });

  it("needs devices:read (403)", async () => {
    const { token } = await apiToken(account.accountId, ALL_SCOPES_BUT("devices:read"));
    const answer = await getDevice(token, "READ-1");
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain("devices:read");
    expectDocumented("getDevice", answer);
  });
});

describe("POST /devices/{device_id}/status", () => {
  it("changes the status and answers the device event, recorded with the token as actor", async () => {
    await enroll(account.accountId, "STATUS-1");
    const before = Date.now();
    const answer = await setStatus(account.token, "STATUS-1", { status: "non_compliant" });
    expect(answer.status).toBe(200);
    expectDocumented("setDeviceStatus", answer);
    const events = await eventsOf(account.accountId, "STATUS-1");
    expect(events).toHaveLength(2);
    const changed = events.find((event) => event.status === "non_compliant");
    expect(answer.body).toEqual({
      id: changed!.id,
      device_id: "STATUS-1",
      previous_status: "installed",
      status: "non_compliant",
      occurred_at: changed!.occurredAt.toISOString(),
      actor: expect.stringMatching(/^api:test token \d+ \(cwc_[\w-]{6}…\)$/),
      notified: false,
      changed: true,
    });
    expect(Date.parse(answer.body.occurred_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(answer.body.occurred_at)).toBeLessThanOrEqual(Date.now());
    expect((await storedDevice(account.accountId, "STATUS-1"))!.status).toBe("non_compliant");
    expect((await getDevice(account.token, "STATUS-1")).body.status).toBe("non_compliant");
  });

  it("answers 200 with changed false and the event that set it when the device already has the status, recording nothing", async () => {
    await enroll(account.accountId, "STATUS-2");
    const first = await setStatus(account.token, "STATUS-2", { status: "compliant" });
    const again = await setStatus(account.token, "STATUS-2", { status: "compliant" });
    expect(again.status).toBe(200);
    expectDocumented("setDeviceStatus", again);
    expect(again.body).toEqual({ ...first.body, changed: false });
    expect(await eventsOf(account.accountId, "STATUS-2")).toHaveLength(2);
    // The enrollment's status too: the answer is the enrollment event.
    await enroll(account.accountId, "STATUS-3");
    const installed = await setStatus(account.token, "STATUS-3", { status: "installed" });
    expect(installed.body).toMatchObject({ changed: false, status: "installed", previous_status: null, actor: "setup" });
  });

  it("refuses a body that is not a status (422, 415, 400) and stores nothing", async () => {
    await enroll(account.accountId, "STATUS-BAD");
    const refusals: [unknown, Record<string, string>, number, string][] = [
      [{ status: "quarantined" }, {}, 422, "/status"],
      [{}, {}, 422, "/status"],
      [{ status: "compliant", note: "x" }, {}, 422, "/note"],
      ['{"status": "compliant", "__proto__": {"admin": true}}', {}, 422, "/__proto__"],
      ["status=compliant", { "content-type": "application/x-www-form-urlencoded" }, 415, ""],
      ['{"status": ', {}, 400, ""],
    ];
    for (const [body, headers, status, pointer] of refusals) {
      const answer = await setStatus(account.token, "STATUS-BAD", body, headers);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expectDocumented("setDeviceStatus", answer);
      if (pointer) expect(answer.body.errors.map((error: { pointer: string }) => error.pointer)).toContain(pointer);
    }
    expect(await eventsOf(account.accountId, "STATUS-BAD")).toHaveLength(1);
    expect((await storedDevice(account.accountId, "STATUS-BAD"))!.status).toBe("installed");
  });

  it("answers 404 for an unknown device and another account's device, changing nothing", async () => {
    await enroll(other.accountId, "THEIRS-2");
    for (const deviceId of ["NO-SUCH-DEVICE", "THEIRS-2"]) {
      const answer = await setStatus(account.token, deviceId, { status: "non_compliant" });
      expect(answer.status).toBe(404);
      expectDocumented("setDeviceStatus", answer);
      expect(answer.body.code).toBe("device_not_found");
    }
    expect((await storedDevice(other.accountId, "THEIRS-2"))!.status).toBe("installed");
    expect(await eventsOf(other.accountId, "THEIRS-2")).toHaveLength(1);
    expect(await db.device.count({ where: { accountId: account.accountId, deviceId: "THEIRS-2" } })).toBe(0);
  });

  it("needs devices:write (403) and stores nothing without it", async () => {
    await enroll(account.accountId, "STATUS-RO");
    const { token } = await apiToken(account.accountId, ["devices:read"]);
    const answer = await setStatus(token, "STATUS-RO", { status: "non_compliant" });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain("devices:write");
    expectDocumented("setDeviceStatus", answer);
    expect(await eventsOf(account.accountId, "STATUS-RO")).toHaveLength(1);
    expect((await storedDevice(account.accountId, "STATUS-RO"))!.status).toBe("installed");
  });
});

describe("DELETE /devices/{device_id}", () => {
  it("sets the status to deleted, keeps the device and its history, and answers the device; again changes nothing", async () => {
    // Enrolled a minute ago, so that the history's order does not hang on a shared millisecond.
    await enroll(account.accountId, "DELETE-1", new Date(Date.now() - 60_000));
    const answer = await deleteDevice(account.token, "DELETE-1");
    expect(answer.status).toBe(200);
    expectDocumented("deleteDevice", answer);
    expect(answer.body).toMatchObject({ device_id: "DELETE-1", status: "deleted" });
    const events = await eventsOf(account.accountId, "DELETE-1");
    expect(events.map((event) => [event.previousStatus, event.status])).toEqual([[null, "installed"], ["installed", "deleted"]]);
    expect(events[1]!.actor).toMatch(/^api:/);

    const again = await deleteDevice(account.token, "DELETE-1");
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer.body);
    expect(await eventsOf(account.accountId, "DELETE-1")).toHaveLength(2);
    // Still readable, with its history.
    expect((await getDevice(account.token, "DELETE-1")).body.status).toBe("deleted");
    expect((await history(account.token, "DELETE-1")).body.data[0]).toMatchObject({ status: "deleted", previous_status: "installed" });
  });

  it("answers 404 for an unknown device and another account's device, which stays as it was", async () => {
    await enroll(other.accountId, "THEIRS-3");
    for (const deviceId of ["NO-SUCH-DEVICE", "THEIRS-3"]) {
      const answer = await deleteDevice(account.token, deviceId);
      expect(answer.status).toBe(404);
      expectDocumented("deleteDevice", answer);
    }
    expect((await storedDevice(other.accountId, "THEIRS-3"))!.status).toBe("installed");
    expect(await eventsOf(other.accountId, "THEIRS-3")).toHaveLength(1);
  });

  it("needs devices:write (403) and deletes nothing without it", async () => {
    await enroll(account.accountId, "DELETE-RO");
    const { token } = await apiToken(account.accountId, ALL_SCOPES_BUT("devices:write"));
    const answer = await deleteDevice(token, "DELETE-RO");
    expect(answer.status).toBe(403);
    expectDocumented("deleteDevice", answer);
    expect((await storedDevice(account.accountId, "DELETE-RO"))!.status).toBe("installed");
    expect(await eventsOf(account.accountId, "DELETE-RO")).toHaveLength(1);
  });
});

describe("GET /devices/{device_id}/events", () => {
  it("lists the history newest first, in pages that together hold every event exactly once", async () => {
    const start = Date.now() - 60_000;
    await enroll(account.accountId, "HISTORY-1", new Date(start));
    const statuses = ["compliant", "non_compliant", "compliant", "non_compliant", "compliant", "non_compliant"] as const;
    // Three pairs share a millisecond: the id breaks the tie, and no page boundary loses or repeats one.
    for (const [index, status] of statuses.entries()) {
      await changeDeviceStatus(account.accountId, "HISTORY-1", status, "setup", new Date(start + 1000 * (1 + Math.floor(index / 2))));
    }
    const stored = (await eventsOf(account.accountId, "HISTORY-1")).reverse();
    expect(stored).toHaveLength(7);

    for (const limit of [1, 2, 3, 7, 50]) {
      const pages = await allHistoryPages(account.token, "HISTORY-1", limit);
      expect(pages).toHaveLength(Math.ceil(7 / limit));
      const listed = pages.flatMap((page) => page.body.data as { id: string }[]);
      expect(listed.map((event) => event.id), `limit ${limit}`).toEqual(stored.map((event) => event.id));
    }
    const [newest] = (await history(account.token, "HISTORY-1")).body.data;
    expect(newest).toEqual({
      id: stored[0]!.id,
      device_id: "HISTORY-1",
      previous_status: "compliant",
      status: "non_compliant",
      occurred_at: new Date(start + 3000).toISOString(),
      actor: "setup",
      notified: false,
    });
  });

  it("refuses a cursor that is not one of its own (400)", async () => {
    await enroll(account.accountId, "HISTORY-2");
    const devicesCursor = Buffer.from(JSON.stringify({ after: "A" })).toString("base64url");
    const outOfRange = Buffer.from(JSON.stringify({ t: 1e20, id: "x" })).toString("base64url");
    for (const query of ["?cursor=not-a-cursor", `?cursor=${devicesCursor}`, `?cursor=${outOfRange}`, "?limit=0", "?since=yesterday"]) {
      const answer = await history(account.token, "HISTORY-2", query);
      expect(answer.status, query).toBe(400);
      expectDocumented("listDeviceHistory", answer);
      expect(answer.body.errors[0].parameter).toBe(query.slice(1).split("=")[0]);
    }
  });

  it("answers 404 for an unknown device and another account's device, and needs devices:read (403)", async () => {
    await enroll(other.accountId, "THEIRS-4");
    for (const deviceId of ["NO-SUCH-DEVICE", "THEIRS-4"]) {
      const answer = await history(account.token, deviceId);
      expect(answer.status).toBe(404);
      expectDocumented("listDeviceHistory", answer);
      expect(answer.text).not.toContain("setup");
    }
    const { token } = await apiToken(other.accountId, ["devices:write"]);
    const refused = await history(token, "THEIRS-4");
    expect(refused.status).toBe(403);
    expectDocumented("listDeviceHistory", refused);
  });
});

describe("device ids with odd characters", () => {
  const oddIds = ["Front desk 1", "a/b/../c", "ÅÄÖ-漢字-𝒳-ﬁ", "<script>alert(1)</script>", "100% & done?#x", "plus+sign", "a%2Fb", " spaced "];

  it("round-trip through every endpoint, URL-encoded in the path", async () => {
    const { token } = await apiAccount();
    for (const deviceId of oddIds) {
      const created = await callApi(createDeviceRoute, { method: "POST", path: "/devices", token, body: { device_id: deviceId, name: "Odd", platform: "Linux" } });
      // Ids are trimmed on enrollment, like every text field.
      const id = deviceId.trim();
      expect(created.status, deviceId).toBe(201);
      expect(created.body.device_id).toBe(id);

      const read = await getDevice(token, id);
      expect(read.status, id).toBe(200);
      expect(read.body.device_id).toBe(id);
      const changed = await setStatus(token, id, { status: "compliant" });
      expect(changed.status, id).toBe(200);
      expect(changed.body).toMatchObject({ device_id: id, status: "compliant", changed: true });
      const listed = await history(token, id);
      expect(listed.body.data.map((event: { device_id: string }) => event.device_id)).toEqual([id, id]);
      const deleted = await deleteDevice(token, id);
      expect(deleted.body).toMatchObject({ device_id: id, status: "deleted" });
    }
    const all = await callApi(listDevicesRoute, { path: "/devices?limit=50", token });
    expect(all.body.data.map((device: { device_id: string }) => device.device_id).sort()).toEqual(oddIds.map((id) => id.trim()).sort());
    // The percent-encoded form names a different device than the decoded one.
    expect((await getDevice(token, "a%2Fb")).body.device_id).toBe("a%2Fb");
    expect((await getDevice(token, "a/b")).status).toBe(404);
  });
});

describe("a status change through the API and the webhook", () => {
  const harness = useDeliveryHarness();

  it("reaches a real receiver as the documented callback, and notified says which changes were queued", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url, { events: ["non_compliant"] });
    const { token } = await apiToken(accountId, ["devices:read", "devices:write"]);
    const created = await callApi(createDeviceRoute, { method: "POST", path: "/devices", token, body: { device_id: "WEBHOOK-1", name: "Kiosk", platform: "Windows 11" } });
    expect(created.status).toBe(201);
    harness.start();

    const answer = await setStatus(token, "WEBHOOK-1", { status: "non_compliant" });
    expect(answer.body).toMatchObject({ changed: true, notified: true, previous_status: "installed", status: "non_compliant" });
    const [request] = await harness.receiver.waitForRequests(1);
    expect(request!.headers.authorization).toBe(API_KEY);
    const body = JSON.parse(request!.body);
    expectDocumentedCallback(body);
    expect(body).toEqual([{ device_id: "WEBHOOK-1", status: "non_compliant", timestamp: Date.parse(answer.body.occurred_at) }]);

    // A status the webhook is not subscribed to is recorded and not sent.
    const quiet = await setStatus(token, "WEBHOOK-1", { status: "compliant" });
    expect(quiet.body).toMatchObject({ changed: true, notified: false });
    const events = (await history(token, "WEBHOOK-1")).body.data as { status: string; notified: boolean }[];
    expect(Object.fromEntries(events.map((event) => [event.status, event.notified]))).toEqual({ installed: false, non_compliant: true, compliant: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.receiver.requests).toHaveLength(1);
  });
});
