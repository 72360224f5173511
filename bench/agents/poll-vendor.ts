// A vendor that polls GET /api/v1/status-changes instead of taking callbacks, in a process of its own:
// starts a poll every POLL_INTERVAL_MS (at once again while has_more), follows next_cursor, sends
// the last ETag back. It first catches up with what is already there and says "ready"; from "count"
// on it counts its requests and records when it saw each change (high-resolution wall clock). On
// "stop" it sends what it counted and saw, and exits. The token comes in POLL_TOKEN, never in argv.
import { Agent, request } from "undici";

export type PolledChange = { device_id: string; status: string; timestamp: number; seenAt: number };
export type PollReport = { requests: number; byStatus: Record<string, number>; seen: PolledChange[] };
type Page = { data: { device_id: string; status: string; timestamp: number }[]; next_cursor: string; has_more: boolean };

const endpoint = `${process.env.POLL_BASE_URL}/api/v1/status-changes`;
const token = process.env.POLL_TOKEN!;
const intervalMs = Number(process.env.POLL_INTERVAL_MS ?? 20);
const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

let cursor: string | null = null;
let etag: string | null = null;
let counting = false;
let stopping = false;
const report: PollReport = { requests: 0, byStatus: {}, seen: [] };

// One poll: how many changes it brought, and whether more wait.
async function poll(): Promise<{ changes: number; more: boolean }> {
  const url = cursor ? `${endpoint}?after=${encodeURIComponent(cursor)}` : endpoint;
  const response = await request(url, { dispatcher, headers: { authorization: `Bearer ${token}`, ...(etag ? { "if-none-match": etag } : {}) } });
  if (counting) {
    report.requests++;
    report.byStatus[response.statusCode] = (report.byStatus[response.statusCode] ?? 0) + 1;
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    if (response.statusCode !== 304) throw new Error(`poll answered ${response.statusCode}`);
    return { changes: 0, more: false };
  }
  const page = (await response.body.json()) as Page;
  const seenAt = now();
  if (counting) for (const change of page.data) report.seen.push({ device_id: change.device_id, status: change.status, timestamp: change.timestamp, seenAt });
  cursor = page.next_cursor;
  etag = (response.headers.etag as string | undefined) ?? null;
  return { changes: page.data.length, more: page.has_more };
}

process.on("message", (message: { type: string }) => {
  if (message.type === "count") counting = true;
  if (message.type === "stop") stopping = true;
});

// Catching up: until a poll brings nothing new.
while ((await poll()).changes > 0);
process.send!({ type: "ready" });
while (!stopping) {
  const started = now();
  if ((await poll()).more) continue;
  await sleep(started + intervalMs - now());
}
process.send!({ type: "report", report });
await dispatcher.close();
process.disconnect();
