// The CSV export of Event Log > Webhook: RFC 4180 escaping with spreadsheet formulas defused, the
// list's filters, one account only, and a stream that reads in keyset pages with flat memory.
import vm from "node:vm";
import v8 from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import { isPostgresUrl } from "@/lib/database-url";
import { db, type Prisma } from "@/lib/db";
import { csvCell, listPushes, PUSH_CSV_COLUMNS, pushesCsvStream, readPushFilter, type PushFilter } from "@/lib/webhooks/event-log";
import { messageIdLowerBound } from "@/lib/webhooks/signing";
import { settledGc } from "@/tests/support/settled-gc";

const HOUR_MS = 60 * 60 * 1000;
const BASE = new Date("2026-03-01T00:00:00.000Z");

type PushSpec = {
  deviceIds: string[];
  state?: string;
  kind?: string;
  statusCode?: number | null;
  errorClass?: string | null;
  attempts?: number;
  at?: Date;
};

let sequence = 0;
async function newAccount(label: string): Promise<string> {
  return (await db.account.create({ data: { name: `${label} ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id;
}

// A push id at a given time (push ids are time-ordered), unique through a counter in the random part.
function pushIdAt(time: Date): string {
  return `${messageIdLowerBound(time).slice(0, 14)}${String(++sequence).padStart(16, "0")}`;
}

// Writes pushes with their device events, notifications and items directly, many rows per statement.
async function insertPushes(accountId: string, specs: PushSpec[]): Promise<string[]> {
  const events: Prisma.DeviceEventCreateManyInput[] = [];
  const notifications: Prisma.NotificationCreateManyInput[] = [];
  const pushes: Prisma.PushCreateManyInput[] = [];
  const items: Prisma.PushItemCreateManyInput[] = [];
  for (const spec of specs) {
    const at = spec.at ?? BASE;
    const pushId = pushIdAt(at);
    const state = spec.state ?? "succeeded";
    pushes.push({
      id: pushId,
      accountId,
      kind: spec.kind ?? "delivery",
      state,
      body: "[]",
      itemCount: spec.deviceIds.length,
      attemptCount: spec.attempts ?? 1,
      lastStatusCode: spec.statusCode === undefined ? 200 : spec.statusCode,
      lastErrorClass: spec.errorClass ?? null,
      lastDurationMs: 42,
      createdAt: at,
      completedAt: at,
    });
    spec.deviceIds.forEach((deviceId, index) => {
      const suffix = `${pushId}-${index}`;
      events.push({ id: `ev-${suffix}`, accountId, deviceId, status: "non_compliant", actor: "test", occurredAt: at });
      notifications.push({ id: `nt-${suffix}`, accountId, deviceEventId: `ev-${suffix}`, deviceId, status: "non_compliant", occurredAt: at, state: "delivered", pushId });
      items.push({ pushId, notificationId: `nt-${suffix}`, deviceId, status: "non_compliant" });
    });
  }
  const CHUNK = 2000;
  for (let i = 0; i < events.length; i += CHUNK) await db.deviceEvent.createMany({ data: events.slice(i, i + CHUNK) });
  for (let i = 0; i < notifications.length; i += CHUNK) await db.notification.createMany({ data: notifications.slice(i, i + CHUNK) });
  for (let i = 0; i < pushes.length; i += CHUNK) await db.push.createMany({ data: pushes.slice(i, i + CHUNK) });
  for (let i = 0; i < items.length; i += CHUNK) await db.pushItem.createMany({ data: items.slice(i, i + CHUNK) });
  return pushes.map((push) => push.id);
}

// Copies a push (with its item, notification and device event) `count` times within SQL. The copies
// get newer ids and long device ids, which make the CSV large enough (over 4 MB) that buffering would show.
async function copyPush(templateId: string, count: number): Promise<void> {
  const prefix = templateId.slice(0, 14);
  // The two providers' spellings of a zero-padded number and of numbered parameters.
  const postgres = isPostgresUrl(process.env.DATABASE_URL!);
  const padded = (width: number, expression: string) => (postgres ? `lpad((${expression})::text, ${width}, '0')` : `printf('%0${width}d', ${expression})`);
  const sql = (text: string) => {
    let index = 0;
    return postgres ? text.replace(/\?/g, () => `$${++index}::text`) : text;
  };
  const device = `'DEVICE-' || ${padded(6, "n")} || '-' || ?`;
  const seq = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})`;
  const padding = "x".repeat(180);
  await db.$transaction([
    db.$executeRawUnsafe(
      sql(`${seq} INSERT INTO device_events (id, account_id, device_id, previous_status, status, actor, occurred_at)
       SELECT 'ev-copy-' || n, account_id, ${device}, previous_status, status, actor, occurred_at FROM seq, device_events WHERE id = ?`),
      padding, `ev-${templateId}-0`,
    ),
    db.$executeRawUnsafe(
      sql(`${seq} INSERT INTO notifications (id, account_id, device_event_id, device_id, status, occurred_at, state, push_id, created_at)
       SELECT 'nt-copy-' || n, account_id, 'ev-copy-' || n, ${device}, status, occurred_at, state, ? || ${padded(16, "n + 100000")}, created_at FROM seq, notifications WHERE id = ?`),
      padding, prefix, `nt-${templateId}-0`,
    ),
    db.$executeRawUnsafe(
      sql(`${seq} INSERT INTO pushes (id, account_id, kind, state, body, item_count, attempt_count, last_status_code, last_error_class, last_duration_ms, created_at, completed_at)
       SELECT ? || ${padded(16, "n + 100000")}, account_id, kind, state, body, item_count, attempt_count, last_status_code, last_error_class, last_duration_ms, created_at, completed_at FROM seq, pushes WHERE id = ?`),
      prefix, templateId,
    ),
    db.$executeRawUnsafe(
      sql(`${seq} INSERT INTO push_items (push_id, notification_id, device_id, status)
       SELECT ? || ${padded(16, "n + 100000")}, 'nt-copy-' || n, ${device}, status FROM seq, push_items WHERE push_id = ?`),
      prefix, padding, templateId,
    ),
  ]);
}

// A strict RFC 4180 reader for the assertions (quoted cells, doubled quotes, CRLF rows).
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += char;
  }
  expect(cell).toBe("");
  expect(row).toEqual([]);
  return rows;
}

async function exportCsv(accountId: string, filter: PushFilter = {}, pageSize?: number): Promise<string[][]> {
  return parseCsv(await new Response(pushesCsvStream(accountId, filter, pageSize)).text());
}

const column = (rows: string[][], name: (typeof PUSH_CSV_COLUMNS)[number]) => rows.slice(1).map((row) => row[PUSH_CSV_COLUMNS.indexOf(name)]!);

describe("CSV cells", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas with a leading quote", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(404)).toBe("404");
    expect(csvCell(null)).toBe("");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("CSV export of the webhook log", () => {
  let accountId: string;
  let otherAccountId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    accountId = await newAccount("Export");
    otherAccountId = await newAccount("Export other");
    const hostile = ['=HYPERLINK("http://evil.example","click")', "+SUM(1,2)", "-2+3", "@cmd", "a,b", 'say "hi"', "line\nbreak"];
    const specs: [string, PushSpec][] = [
      ["ok-early", { deviceIds: ["LAPTOP-1"], at: new Date(BASE.getTime() + 1 * HOUR_MS) }],
      ["gone", { deviceIds: ["PHONE-2"], state: "failed", statusCode: 404, errorClass: "http_status", attempts: 3, at: new Date(BASE.getTime() + 2 * HOUR_MS) }],
      ["err", { deviceIds: ["PHONE-3", "LAPTOP-1"], state: "failed", statusCode: 503, errorClass: "http_status", attempts: 3, at: new Date(BASE.getTime() + 3 * HOUR_MS) }],
      ["timeout", { deviceIds: ["TABLET-4"], state: "failed", statusCode: null, errorClass: "timeout", attempts: 3, at: new Date(BASE.getTime() + 4 * HOUR_MS) }],
      ["held", { deviceIds: ["TABLET-5"], state: "held", statusCode: null, attempts: 0, at: new Date(BASE.getTime() + 5 * HOUR_MS) }],
      ["redelivery", { deviceIds: ["PHONE-3", "LAPTOP-1"], kind: "redelivery", at: new Date(BASE.getTime() + 6 * HOUR_MS) }],
      ...hostile.map((deviceId, index): [string, PushSpec] => [`hostile-${index}`, { deviceIds: [deviceId], at: new Date(BASE.getTime() + 7 * HOUR_MS + index) }]),
    ];
    for (const [name, spec] of specs) ids[name] = (await insertPushes(accountId, [spec]))[0]!;
    // Another account: the same device ids, and failures that would match every filter below.
    ids.theirs = (await insertPushes(otherAccountId, [{ deviceIds: ["LAPTOP-1"], state: "failed", statusCode: 503, at: new Date(BASE.getTime() + 3 * HOUR_MS) }]))[0]!;
    ids.theirsHostile = (await insertPushes(otherAccountId, [{ deviceIds: ["a,b"] }]))[0]!;
  });

  it("writes the header and one row per push, newest first, with every column", async () => {
    const rows = await exportCsv(accountId);
    expect(rows[0]).toEqual([...PUSH_CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + 6 + 7);
    expect(rows.slice(1).every((row) => row.length === PUSH_CSV_COLUMNS.length)).toBe(true);
    expect(column(rows, "webhook_id")).toEqual((await listPushes(accountId, {})).pushes.map((push) => push.id));
    const err = rows.find((row) => row[1] === ids.err)!;
    expect(err.slice(0, 8)).toEqual([new Date(BASE.getTime() + 3 * HOUR_MS).toISOString(), ids.err, "delivery", "failed", "503", "http_status", "3", "42"]);
    // Every notification of the push, device ids and statuses in the same order.
    expect(err[8]!.split("; ").sort()).toEqual(["LAPTOP-1", "PHONE-3"]);
    expect(err[9]).toBe("non_compliant; non_compliant");
    const timeout = rows.find((row) => row[1] === ids.timeout)!;
    expect(timeout.slice(3, 6)).toEqual(["failed", "", "timeout"]);
    const redelivery = rows.find((row) => row[1] === ids.redelivery)!;
    expect(redelivery[2]).toBe("redelivery");
  });

  it("escapes hostile device ids so a spreadsheet shows them as text", async () => {
    const text = await new Response(pushesCsvStream(accountId, {})).text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    const deviceIds = column(await exportCsv(accountId), "device_ids");
    for (const expected of [`'=HYPERLINK("http://evil.example","click")`, "'+SUM(1,2)", "'-2+3", "'@cmd", "a,b", 'say "hi"', "line\nbreak"]) {
      expect(deviceIds).toContain(expected);
    }
  });

  it("honours the list's filters, read from the same query string", async () => {
    const exported = async (query: string) => column(await exportCsv(accountId, readPushFilter(new URLSearchParams(query)).filter), "webhook_id");
    expect(await exported("result=failed")).toEqual([ids.timeout, ids.err, ids.gone]);
    expect(await exported("status=5xx")).toEqual([ids.err]);
    expect(await exported("status=404")).toEqual([ids.gone]);
    expect(await exported("status=none")).toEqual([ids.timeout]);
    expect(await exported("result=failed&status=4xx")).toEqual([ids.gone]);
    expect(await exported("device=LAPTOP-1")).toEqual([ids.redelivery, ids.err, ids["ok-early"]]);
    expect(await exported("from=2026-03-01T02:00&to=2026-03-01T04:00")).toEqual([ids.timeout, ids.err, ids.gone]);
    expect(await exported("from=2026-03-01T05:00:00Z")).toHaveLength(1 + 1 + 7);
    expect(await exported("result=held&device=TABLET-5")).toEqual([ids.held]);
    expect(await exported("device=NO-SUCH-DEVICE")).toEqual([]);
  });

  it("never includes another account's rows", async () => {
    const mine = column(await exportCsv(accountId), "webhook_id");
    expect(mine).not.toContain(ids.theirs);
    expect(mine).not.toContain(ids.theirsHostile);
    expect(column(await exportCsv(accountId, { deviceId: "LAPTOP-1", result: "failed", httpStatus: "5xx" }), "webhook_id")).toEqual([ids.err]);
    expect(column(await exportCsv(otherAccountId), "webhook_id")).toEqual([ids.theirs, ids.theirsHostile]);
  });

  it("reads in keyset pages: a small page size gives the same rows", async () => {
    expect(await exportCsv(accountId, {}, 4)).toEqual(await exportCsv(accountId));
    expect(await exportCsv(accountId, {}, 13)).toEqual(await exportCsv(accountId));
    expect(await exportCsv(accountId, { result: "held" }, 1)).toHaveLength(2);
  });
});

// Reads a stream to the end, sampling the memory it holds (after a full GC) every few chunks. With
// `retain`, the chunks are kept: the control that shows the measurement sees a buffered CSV.
async function measureStream(stream: ReadableStream<Uint8Array>, gc: () => void, retain = false) {
  const used = () => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.arrayBuffers;
  };
  const kept: Uint8Array[] = [];
  const decoder = new TextDecoder();
  await settledGc(gc);
  const baseline = used();
  const reader = stream.getReader();
  let bytes = 0;
  let lines = 0;
  let chunks = 0;
  let peakGrowth = 0;
  let first = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (retain) kept.push(value);
    bytes += value.byteLength;
    chunks++;
    const text = decoder.decode(value);
    if (chunks === 1) first = text;
    lines += text.split("\r\n").length - 1;
    if (chunks % 5 === 0) {
      await settledGc(gc);
      peakGrowth = Math.max(peakGrowth, used() - baseline);
    }
  }
  return { bytes, lines, chunks, first, peakGrowth, kept: kept.length };
}

describe("CSV export at volume", () => {
  it("streams 20,500 rows with memory growth far below the size of the CSV", async () => {
    const ROWS = 20_500;
    const accountId = await newAccount("Export volume");
    // One push written through Prisma, copied in SQL (fast, and every value keeps Prisma's storage format).
    const [template] = await insertPushes(accountId, [{ deviceIds: ["TEMPLATE"] }]);
    await copyPush(template!, ROWS - 1);
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;

    // Prisma keeps a bounded cache of recent queries (a few MB, whatever the row count); a first
    // export fills it, so the measured one shows what the stream itself holds.
    await measureStream(pushesCsvStream(accountId, {}), gc);
    const streamed = await measureStream(pushesCsvStream(accountId, {}), gc);
    expect(streamed.first).toBe(`${PUSH_CSV_COLUMNS.join(",")}\r\n`);
    expect(streamed.lines).toBe(ROWS + 1);
    // The header, then one chunk per keyset page of 500 rows.
    expect(streamed.chunks).toBe(1 + Math.ceil(ROWS / 500));
    expect(streamed.bytes).toBeGreaterThan(4_000_000);
    // About one page of rows in flight (0.3 MB through node-postgres, 0.7–1.1 MB through SQLite and
    // Prisma's query cache), never the whole CSV.
    expect(streamed.peakGrowth).toBeLessThan(streamed.bytes / 3);

    // The control: holding the CSV in memory is plainly visible to the same measurement, on top of
    // what streaming holds; a stream that buffered the CSV would show no such difference.
    const held = await measureStream(pushesCsvStream(accountId, {}), gc, true);
    expect(held.bytes).toBe(streamed.bytes);
    expect(held.peakGrowth).toBeGreaterThan(streamed.bytes / 2);
    expect(held.peakGrowth - streamed.peakGrowth).toBeGreaterThan(streamed.bytes / 2);
  }, 120_000);
});
