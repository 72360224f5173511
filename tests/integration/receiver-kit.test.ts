// The vendor receiver kit (examples/receiver) against the real delivery service. The kit runs as its
// own process, configured only with what a vendor gets from the console (API key, signing secret).
// A tap in front of it stands where a vendor's load balancer would: it forwards each push and keeps
// a copy, so the test can replay exactly what the console sent.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import type { Dispatcher } from "@/lib/webhooks/dispatcher";
import { eventually, startReceiver, type ReceivedRequest, type Receiver } from "../support/receiver";
import { accountWithWebhook, API_KEY, testDispatcher } from "../support/webhook-fixtures";

const SERVER = path.resolve(import.meta.dirname, "../../examples/receiver/server.mjs");
const FORWARDED_HEADERS = ["authorization", "content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"];

type Kit = { url: string; port: number; child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };
type JournalEntry = { type: "accepted" | "processed"; id: string; body?: unknown };
type PrintedEvent = { webhook_id: string; device_id: string; status: string; timestamp: number; changed_at: string };

const dataDir = mkdtempSync(path.join(tmpdir(), "cwc-receiver-kit-"));
const journalFile = path.join(dataDir, "journal.ndjson");
let tap: Receiver;
let kit: Kit;
let dispatcher: Dispatcher;
let accountId: string;
let signingSecret: string;
// Whether the kit's journal already held the push when its 2xx reached the tap, by webhook-id.
const journaledBeforeAnswer = new Map<string, boolean>();

// Starts server.mjs with a vendor's environment only (none of the console's), and waits until it listens.
async function startKit(port = 0): Promise<Kit> {
  const env = { NODE_ENV: "production" as const, PATH: process.env.PATH, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, WEBHOOK_API_KEY: API_KEY, WEBHOOK_SIGNING_SECRET: signingSecret };
  const child = spawn(process.execPath, [SERVER], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await eventually(async () => /listening on (http:\/\/\S+)/.exec(stderr)?.[1], (found) => Boolean(found) || child.exitCode !== null, 10_000, `the kit listening (stderr: ${stderr})`);
  if (!url) throw new Error(`the kit exited: ${stderr}`);
  return { url, port: Number(new URL(url).port), child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function stopKit(): Promise<number | null> {
  kit.child.kill("SIGTERM");
  return kit.exited;
}

function send(request: Pick<ReceivedRequest, "headers" | "body">, changes: Record<string, string | undefined> = {}) {
  const headers = Object.fromEntries(FORWARDED_HEADERS.map((name) => [name, String(request.headers[name] ?? "")]).filter(([, value]) => value));
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return fetch(kit.url, { method: "POST", headers, body: request.body });
}

// A request the console could have signed: the kit's signature check passes unless the time is off.
function signed(id: string, body: string, at = new Date()) {
  const headers = { authorization: API_KEY, "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(signingSecret).sign(id, at, body) };
  return { headers, body };
}

const journal = (): JournalEntry[] => (existsSync(journalFile) ? readFileSync(journalFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as JournalEntry) : []);
const printed = (output: string): PrintedEvent[] => output.split("\n").filter(Boolean).map((line) => JSON.parse(line) as PrintedEvent);
const pushesOf = () => db.push.findMany({ where: { accountId }, include: { attempts: { orderBy: { number: "asc" } } }, orderBy: { id: "asc" } });
const settled = (count: number) => eventually(pushesOf, (pushes) => pushes.length === count && pushes.every((push) => push.state === "succeeded"), 15_000, `${count} succeeded pushes`);

beforeAll(async () => {
  tap = await startReceiver();
  ({ accountId, signingSecret } = await accountWithWebhook(tap.url));
  kit = await startKit();
  tap.handle(async (request, response) => {
    const answer = await send(request);
    const id = String(request.headers["webhook-id"]);
    journaledBeforeAnswer.set(id, journal().some((entry) => entry.type === "accepted" && entry.id === id));
    response.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
  });
  dispatcher = testDispatcher({ retryDelaysMs: [300, 600] });
});

afterAll(async () => {
  await dispatcher?.stop();
  if (kit?.child.exitCode === null) await stopKit();
  await tap?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the receiver kit", () => {
  it("journals each push before answering 200, then prints every notification once", async () => {
    await createDevice(accountId, { deviceId: "KIT-LAPTOP-1", name: "Laptop", platform: "Windows" }, "admin@test");
    await settled(1);
    await changeDeviceStatus(accountId, "KIT-LAPTOP-1", "non_compliant", "admin@test");
    const pushes = await settled(2);

    const events = await eventually(async () => printed(kit.stdout()), (lines) => lines.length >= 2, 5000, "2 printed events");
    const changes = await db.deviceEvent.findMany({ where: { accountId }, orderBy: { occurredAt: "asc" } });
    expect(events).toEqual(
      changes.map((change, i) => ({ webhook_id: pushes[i]!.id, device_id: "KIT-LAPTOP-1", status: change.status, timestamp: change.occurredAt.getTime(), changed_at: change.occurredAt.toISOString() })),
    );
    expect(pushes.map((push) => push.attempts.map((attempt) => [attempt.statusCode, attempt.responseBody]))).toEqual([
      [[200, '{"ok":true,"duplicate":false}']],
      [[200, '{"ok":true,"duplicate":false}']],
    ]);
    const accepted = journal().filter((entry) => entry.type === "accepted");
    expect(accepted.map((entry) => [entry.id, entry.body])).toEqual(tap.requests.map((request) => [request.headers["webhook-id"], JSON.parse(request.body)]));
    expect(pushes.map((push) => journaledBeforeAnswer.get(push.id))).toEqual([true, true]);
  });

  it("answers a wrong API key, a bad signature, a stale timestamp and a malformed body with 4xx and records nothing", async () => {
    const captured = tap.requests[0]!;
    const journalBefore = readFileSync(journalFile, "utf8");
    const printedBefore = kit.stdout();
    const tampered = captured.body.replace("installed", "compliant");
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ["wrong API key", send(captured, { authorization: "not-the-key" }), 401, /wrong API key/],
      ["no API key", send(captured, { authorization: undefined }), 401, /wrong API key/],
      ["API key with a scheme", send(captured, { authorization: `Bearer ${API_KEY}` }), 401, /wrong API key/],
      ["body changed after signing", send({ ...captured, body: tampered }), 401, /signature/i],
      ["no signature", send(captured, { "webhook-signature": undefined }), 400, /missing/],
      ["stale timestamp", send(signed("msg_kit_stale", captured.body, new Date(Date.now() - 6 * 60_000))), 401, /too old/],
      ["timestamp from the future", send(signed("msg_kit_future", captured.body, new Date(Date.now() + 6 * 60_000))), 401, /too new/],
      ["not JSON", send(signed("msg_kit_text", "device LAPTOP is fine")), 400, /JSON array/],
      ["an object, not an array", send(signed("msg_kit_object", '{"device_id":"X","status":"compliant","timestamp":1}')), 400, /JSON array/],
      ["an empty array", send(signed("msg_kit_empty", "[]")), 400, /JSON array/],
      ["a timestamp that is not a number", send(signed("msg_kit_time", '[{"device_id":"X","status":"compliant","timestamp":"today"}]')), 400, /JSON array/],
      ["a body over 1 MiB", send(signed("msg_kit_large", JSON.stringify([{ device_id: "X".repeat(1_100_000), status: "compliant", timestamp: 1 }]))), 413, /larger than/],
    ];
    for (const [label, answer, status, reason] of cases) {
      const response = await answer;
      const text = await response.text();
      expect([label, response.status, text]).toEqual([label, status, expect.stringMatching(reason)]);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(signingSecret);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(journalFile, "utf8")).toBe(journalBefore);
    expect(kit.stdout()).toBe(printedBefore);
    expect(kit.stderr()).not.toContain(API_KEY);
    expect(kit.stderr()).not.toContain(signingSecret);
  });

  it("acknowledges a replayed push, also two copies at once, and does not process it again", async () => {
    const captured = tap.requests[0]!;
    const id = String(captured.headers["webhook-id"]);
    const answers = await Promise.all([send(captured), send(captured), send(captured)]);
    expect(await Promise.all(answers.map(async (answer) => [answer.status, await answer.text()]))).toEqual(Array(3).fill([200, '{"ok":true,"duplicate":true}']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(printed(kit.stdout()).filter((event) => event.webhook_id === id)).toHaveLength(1);
    expect(journal().filter((entry) => entry.type === "accepted" && entry.id === id)).toHaveLength(1);
  });

  it("acknowledges the console's retry of a push whose 200 was lost, and processes it once", async () => {
    // The kit answers, but the tap drops that answer once: the console sees 502 and retries the same webhook-id.
    let dropped = false;
    tap.handle(async (request, response) => {
      const answer = await send(request);
      const text = await answer.text();
      if (!dropped) {
        dropped = true;
        response.writeHead(502).end("answer lost");
      } else response.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    });
    await changeDeviceStatus(accountId, "KIT-LAPTOP-1", "compliant", "admin@test");
    const push = (await settled(3)).at(-1)!;
    expect(push.attempts.map((attempt) => [attempt.statusCode, attempt.responseBody])).toEqual([
      [502, "answer lost"],
      [200, '{"ok":true,"duplicate":true}'],
    ]);
    const sentIds = tap.requests.slice(-2).map((request) => request.headers["webhook-id"]);
    expect(sentIds).toEqual([push.id, push.id]);
    await eventually(async () => printed(kit.stdout()).filter((event) => event.webhook_id === push.id), (events) => events.length > 0, 5000, "the retried push printed");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(printed(kit.stdout()).filter((event) => event.webhook_id === push.id)).toEqual([expect.objectContaining({ device_id: "KIT-LAPTOP-1", status: "compliant" })]);
  });

  it("stops cleanly on SIGTERM and after a restart still knows every id, finishing a push a crash left unprocessed", async () => {
    expect(await stopKit()).toBe(0);
    expect(kit.stderr()).toMatch(/stopped/);
    // What a crash leaves: a push on disk (acknowledged) but never processed, and a half-written line.
    const crashed = { device_id: "KIT-PHONE-9", status: "non_compliant", timestamp: Date.now() };
    appendFileSync(journalFile, `${JSON.stringify({ type: "accepted", id: "msg_kit_crashed", received_at: new Date().toISOString(), body: [crashed] })}\n{"type":"acc`);

    kit = await startKit(kit.port);
    const events = await eventually(async () => printed(kit.stdout()), (lines) => lines.length > 0, 5000, "the unprocessed push printed");
    expect(events).toEqual([{ webhook_id: "msg_kit_crashed", ...crashed, changed_at: new Date(crashed.timestamp).toISOString() }]);
    // The kit prints a push, then journals it as processed.
    const last = await eventually(async () => journal().at(-1), (line) => line?.type === "processed", 5000, "the push journaled as processed");
    expect(last).toEqual({ type: "processed", id: "msg_kit_crashed" });

    for (const captured of tap.requests) {
      const answer = await send(captured);
      expect(await answer.text()).toBe('{"ok":true,"duplicate":true}');
    }
    tap.handle(async (request, response) => {
      const answer = await send(request);
      response.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
    });
    await changeDeviceStatus(accountId, "KIT-LAPTOP-1", "deleted", "admin@test");
    const push = (await settled(4)).at(-1)!;
    await eventually(async () => printed(kit.stdout()), (lines) => lines.length === 2, 5000, "the new push printed");
    expect(printed(kit.stdout()).map((event) => [event.webhook_id, event.status])).toEqual([
      ["msg_kit_crashed", "non_compliant"],
      [push.id, "deleted"],
    ]);
  });
});
