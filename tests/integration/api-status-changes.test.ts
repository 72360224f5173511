// GET /api/v1/status-changes as a vendor that polls meets it: every change exactly once, oldest first,
// a cursor to continue from even when nothing is new, ETag/304 for cheap polls, and no change
// skipped when writers interleave and a change commits after a later-stamped one.
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // The interleaving test polls every 20 ms for several seconds.
  process.env.API_RATE_LIMIT_PER_MINUTE = "100000";
});

import { GET as statusChangesRoute } from "@/app/api/v1/status-changes/route";
import { encodeEventCursor } from "@/lib/api/serializers/devices";
import { isPostgresUrl } from "@/lib/database-url";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice, EVENT_SETTLE_MS, listSettledDeviceEvents, STATUS_CHANGE_TIMEOUT_MS, type EventPosition } from "@/lib/device-events";
import { apiAccount, apiToken, callApi, expectDocumented, type ApiAnswer } from "../support/api";

const root = path.resolve(import.meta.dirname, "../..");

type Change = { id: string; device_id: string; previous_status: string | null; status: string; timestamp: number; occurred_at: string };

const poll = (token: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  callApi(statusChangesRoute, { path: `/status-changes${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`, token, headers });

// Long enough ago that it is settled: served by the next poll.
const settledAgo = (offsetMs = 0) => new Date(Date.now() - EVENT_SETTLE_MS - 60_000 + offsetMs);
const enroll = (accountId: string, deviceId: string, at?: Date) => createDevice(accountId, { deviceId, name: "Scanner", platform: "Android 14" }, "setup", at);
const storedIds = async (accountId: string) =>
  (await db.deviceEvent.findMany({ where: { accountId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], select: { id: true } })).map((event) => event.id);

let account: { accountId: string; token: string };
beforeAll(async () => {
  account = await apiAccount({ scopes: ["logs:read"] });
});

describe("GET /status-changes", () => {
  it("answers the account's settled changes oldest first, as the callback carries them, with a cursor to continue", async () => {
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    const base = settledAgo().getTime();
    await enroll(accountId, "POLL-1", new Date(base));
    await changeDeviceStatus(accountId, "POLL-1", "non_compliant", "setup", new Date(base + 1000));
    await enroll(accountId, "POLL-2", new Date(base + 2000));

    const answer = await poll(token);
    expect(answer.status).toBe(200);
    expectDocumented("listStatusChanges", answer);
    const [first, second, third] = answer.body.data as Change[];
    expect(answer.body.data).toHaveLength(3);
    expect(first).toEqual({ id: expect.any(String), device_id: "POLL-1", previous_status: null, status: "installed", timestamp: expect.any(Number), occurred_at: expect.any(String) });
    expect(second).toMatchObject({ device_id: "POLL-1", previous_status: "installed", status: "non_compliant" });
    expect(third).toMatchObject({ device_id: "POLL-2", status: "installed" });
    expect(Date.parse(second!.occurred_at)).toBe(second!.timestamp);
    expect(second!.timestamp - first!.timestamp).toBe(1000);
    expect(answer.body.data.map((change: Change) => change.id)).toEqual(await storedIds(accountId));
    expect(answer.body.has_more).toBe(false);

    // Nothing new: an empty page that names the same place to continue from.
    const next = await poll(token, { after: answer.body.next_cursor });
    expect(next.status).toBe(200);
    expectDocumented("listStatusChanges", next);
    expect(next.body).toEqual({ data: [], next_cursor: answer.body.next_cursor, has_more: false });

    // A later change comes after the cursor, alone.
    await changeDeviceStatus(accountId, "POLL-2", "compliant", "setup", new Date(base + 3000));
    const later = await poll(token, { after: answer.body.next_cursor });
    expect(later.body.data).toEqual([expect.objectContaining({ device_id: "POLL-2", previous_status: "installed", status: "compliant" })]);
  });

  it("gives a cursor even to an account without any change", async () => {
    const { token } = await apiAccount({ scopes: ["logs:read"] });
    const answer = await poll(token);
    expect(answer.body).toEqual({ data: [], next_cursor: expect.any(String), has_more: false });
    expectDocumented("listStatusChanges", answer);
    expect((await poll(token, { after: answer.body.next_cursor })).body).toEqual(answer.body);
  });

  it("holds a change back until it has settled, then serves it", async () => {
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    await enroll(accountId, "FRESH-1");
    const start = await poll(token);
    expect(start.body.data).toEqual([]);
    // Just not settled yet, then just settled.
    const edge = await db.deviceEvent.findFirstOrThrow({ where: { accountId } });
    const now = new Date();
    const settledBefore = now.getTime() - EVENT_SETTLE_MS;
    await db.deviceEvent.update({ where: { id: edge.id }, data: { occurredAt: new Date(settledBefore) } });
    expect(await listSettledDeviceEvents(accountId, null, 10, now)).toEqual([]);
    await db.deviceEvent.update({ where: { id: edge.id }, data: { occurredAt: new Date(settledBefore - 1) } });
    expect(await listSettledDeviceEvents(accountId, null, 10, now)).toHaveLength(1);
    expect((await poll(token, { after: start.body.next_cursor })).body.data).toEqual([expect.objectContaining({ id: edge.id })]);
  });

  it("pages with limit and has_more, every change exactly once even where timestamps tie", async () => {
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    const at = settledAgo();
    // Ten devices enrolled in the same millisecond, then five more changes a second later.
    for (let i = 0; i < 10; i++) await enroll(accountId, `TIE-${i}`, at);
    for (let i = 0; i < 5; i++) await changeDeviceStatus(accountId, `TIE-${i}`, "compliant", "setup", new Date(at.getTime() + 1000));
    const stored = await storedIds(accountId);
    for (const limit of [1, 3, 4, 15, 200]) {
      const pages: ApiAnswer[] = [];
      let cursor: string | undefined;
      do {
        const page: ApiAnswer = await poll(token, { ...(cursor ? { after: cursor } : {}), limit: String(limit) });
        expectDocumented("listStatusChanges", page);
        pages.push(page);
        cursor = page.body.next_cursor;
      } while (pages.at(-1)!.body.has_more && pages.length <= 15);
      expect(pages).toHaveLength(Math.ceil(15 / limit));
      expect(pages.flatMap((page) => page.body.data.map((change: Change) => change.id)), `limit ${limit}`).toEqual(stored);
    }
  });

  it("answers a strong ETag and 304 Not Modified until a new change settles", async () => {
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    await enroll(accountId, "ETAG-1", settledAgo());
    const first = await poll(token);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await poll(token, {}, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expectDocumented("listStatusChanges", again);
    // With the cursor too: the same poll repeated is the same answer.
    const tail = await poll(token, { after: first.body.next_cursor });
    const tailAgain = await poll(token, { after: first.body.next_cursor }, { "if-none-match": tail.headers.get("etag")! });
    expect(tailAgain.status).toBe(304);
    // A change that has not settled yet changes nothing; a settled one does.
    await changeDeviceStatus(accountId, "ETAG-1", "compliant", "setup");
    expect((await poll(token, {}, { "if-none-match": etag })).status).toBe(304);
    await changeDeviceStatus(accountId, "ETAG-1", "non_compliant", "setup", settledAgo(500));
    const changed = await poll(token, {}, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(changed.body.data).toHaveLength(2);
  });

  it("refuses a bad cursor, limit or parameter (400) naming the parameter", async () => {
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const devicesCursor = cursorOf({ after: "A" });
    for (const [query, parameter] of [
      [{ after: "not-a-cursor" }, "after"],
      [{ after: devicesCursor }, "after"],
      [{ after: cursorOf({ t: 1e20, id: "x" }) }, "after"],
      [{ after: cursorOf({ t: -1, id: "x" }) }, "after"],
      [{ limit: "0" }, "limit"],
      [{ limit: "201" }, "limit"],
      [{ cursor: devicesCursor }, "cursor"],
    ] as const) {
      const answer = await poll(account.token, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expectDocumented("listStatusChanges", answer);
      expect(answer.body.errors[0].parameter).toBe(parameter);
    }
  });

  it("needs logs:read (403)", async () => {
    const { token } = await apiToken(account.accountId, ["devices:read", "devices:write", "webhook:read", "webhook:write"]);
    const answer = await poll(token);
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain("logs:read");
    expectDocumented("listStatusChanges", answer);
  });

  it("shows an account only its own changes, whatever cursor it sends", async () => {
    const mine = await apiAccount({ scopes: ["logs:read"] });
    const theirs = await apiAccount({ scopes: ["logs:read"] });
    await enroll(mine.accountId, "MINE-1", settledAgo());
    await enroll(theirs.accountId, "THEIRS-1", settledAgo(10));
    await enroll(theirs.accountId, "THEIRS-2", settledAgo(20));
    const their = await poll(theirs.token);
    expect(their.body.data.map((change: Change) => change.device_id)).toEqual(["THEIRS-1", "THEIRS-2"]);
    const start = await poll(mine.token);
    expect(start.body.data.map((change: Change) => change.device_id)).toEqual(["MINE-1"]);
    // Their cursor only names a place in time; it shows nothing of theirs.
    const withTheirCursor = await poll(mine.token, { after: their.body.next_cursor });
    expect(withTheirCursor.body.data).toEqual([]);
    expect(withTheirCursor.text).not.toContain("THEIRS");
  });

  it("answers fast enough for 20 ms polling, with many changes in the database", async () => {
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    const { accountId: noise } = await apiAccount();
    // 20,000 changes of this account and as many of another, 100 ms apart over the last hour or so,
    // written in one statement: the service is not under test here. Same text form as Prisma writes.
    const base = settledAgo(-2_000_000).getTime();
    for (const [owner, offset] of [[accountId, 0], [noise, 7]] as const) {
      if (isPostgresUrl(process.env.DATABASE_URL!)) {
        await db.$executeRaw`
          INSERT INTO device_events (id, account_id, device_id, previous_status, status, actor, occurred_at)
          SELECT ${owner}::text || '-bulk-' || i, ${owner}, 'BULK-' || (i % 100), 'installed', 'compliant', 'bulk',
                 to_timestamp((${base + offset}::bigint + i * 100) / 1000.0) AT TIME ZONE 'UTC'
          FROM generate_series(0, 19999) AS i`;
        continue;
      }
      await db.$executeRaw`
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999)
        INSERT INTO device_events (id, account_id, device_id, previous_status, status, actor, occurred_at)
        SELECT ${owner} || '-bulk-' || i, ${owner}, 'BULK-' || (i % 100), 'installed', 'compliant', 'bulk',
               strftime('%Y-%m-%dT%H:%M:%f+00:00', (${base + offset} + i * 100) / 1000.0, 'unixepoch')
        FROM n`;
    }
    expect(await db.deviceEvent.count({ where: { accountId } })).toBe(20_000);
    expect((await listSettledDeviceEvents(accountId, null, 1))[0]!.occurredAt.getTime()).toBe(base);
    // A vendor that has caught up: its cursor is at the newest change.
    const newest = await db.deviceEvent.findFirstOrThrow({ where: { accountId }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }] });
    const cursor = encodeEventCursor(newest);
    const timings: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      const answer = await poll(token, { after: cursor });
      timings.push(performance.now() - started);
      expect(answer.body.data).toEqual([]);
    }
    timings.sort((a, b) => a - b);
    // The median poll of a caught-up vendor: a small fraction of the polling interval.
    expect(timings[50]).toBeLessThan(20);
    const full = performance.now();
    const page = await poll(token, { limit: "200" });
    expect(page.body.data).toHaveLength(200);
    expect(performance.now() - full).toBeLessThan(250);
  });
});

// A second process changing statuses through the service (tests/support/status-writer.ts).
function runWriterProcess(accountId: string, deviceId: string, changes: number): Promise<number | null> {
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "tests/support/status-writer.ts", accountId, deviceId, String(changes)], {
    cwd: root,
    env: process.env,
    stdio: "ignore",
  });
  return new Promise((resolve) => child.on("exit", resolve));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("interleaved writers", () => {
  // A change is stamped when its transaction starts and is visible once it commits. Writers in several
  // processes (or on PostgreSQL, at once) commit in another order than they stamped: a poller that
  // moved its cursor past a later stamp would skip the earlier one committed after it. Here some
  // writers stamp their change up to LATE_MS before it commits (within STATUS_CHANGE_TIMEOUT_MS, as a
  // slow transaction can), others stamp it as it commits, and another process writes too.
  const LATE_MS = 3000;
  it("a poller following next_cursor every 20 ms sees every change exactly once, in order, where a naive cursor skips some", async () => {
    expect(LATE_MS).toBeLessThan(STATUS_CHANGE_TIMEOUT_MS);
    const { accountId, token } = await apiAccount({ scopes: ["logs:read"] });
    const devices = Array.from({ length: 6 }, (_, i) => `INTERLEAVE-${i}`);
    const CHANGES_PER_WRITER = 40;
    const OTHER_PROCESS_CHANGES = 150;
    for (const deviceId of [...devices, "OTHER-PROCESS"]) await enroll(accountId, deviceId);

    const seen: Change[] = [];
    const naiveSeen = new Set<string>();
    let naiveAfter: EventPosition | null = null;
    let cursor: string | undefined;
    let writing = true;
    let pollCount = 0;
    // The naive poller: the same keyset, without the settle window (everything committed so far).
    const naivePoll = async () => {
      const rows = await listSettledDeviceEvents(accountId, naiveAfter, 1000, new Date(Date.now() + EVENT_SETTLE_MS));
      for (const row of rows) naiveSeen.add(row.id);
      if (rows.length) naiveAfter = { occurredAt: rows.at(-1)!.occurredAt, id: rows.at(-1)!.id };
    };
    const poller = (async () => {
      let writersDoneAt = Infinity;
      for (;;) {
        const answer = await poll(token, cursor ? { after: cursor } : {});
        if (++pollCount > 5000) throw new Error("the poller never caught up");
        expect(answer.status).toBe(200);
        seen.push(...answer.body.data);
        cursor = answer.body.next_cursor;
        await naivePoll();
        if (!writing && writersDoneAt === Infinity) writersDoneAt = Date.now();
        if (Date.now() > writersDoneAt + EVENT_SETTLE_MS + 200 && !answer.body.has_more) return;
        if (!answer.body.has_more) await sleep(20);
      }
    })();

    // One certain inversion: a change stamped before one that the naive poller has already passed.
    const { eventId } = await changeDeviceStatus(accountId, devices[0]!, "compliant", "writer");
    for (const deadline = Date.now() + 10_000; !naiveSeen.has(eventId!); await sleep(5)) expect(Date.now()).toBeLessThan(deadline);
    const passed = await db.deviceEvent.findUniqueOrThrow({ where: { id: eventId! } });
    await changeDeviceStatus(accountId, devices[1]!, "compliant", "late-writer", new Date(passed.occurredAt.getTime() - 500));

    // Then random interleavings, and a second process.
    const otherProcess = runWriterProcess(accountId, "OTHER-PROCESS", OTHER_PROCESS_CHANGES);
    const writer = async (deviceId: string, late: boolean) => {
      for (let i = 0; i < CHANGES_PER_WRITER; i++) {
        const stamp = late ? new Date(Date.now() - Math.floor(Math.random() * LATE_MS)) : undefined;
        await changeDeviceStatus(accountId, deviceId, i % 2 === 0 ? "non_compliant" : "compliant", late ? "late-writer" : "writer", stamp);
        await sleep(Math.random() * 15);
      }
    };
    await Promise.all(devices.map((deviceId, index) => writer(deviceId, index % 2 === 1)));
    expect(await otherProcess).toBe(0);
    writing = false;
    await poller;

    const stored = await storedIds(accountId);
    expect(stored).toHaveLength(devices.length + 1 + 2 + devices.length * CHANGES_PER_WRITER + OTHER_PROCESS_CHANGES);
    expect(pollCount).toBeGreaterThan(100);
    // Every change exactly once, in (occurred_at, id) order.
    expect(seen.map((change) => change.id)).toEqual(stored);
    // The hazard is real: the naive cursor missed changes that committed late.
    const missed = stored.filter((id) => !naiveSeen.has(id));
    expect(missed.length).toBeGreaterThan(0);
  });
});
