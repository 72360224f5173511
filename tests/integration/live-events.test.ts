// Live Event Log: the dispatcher publishes a change after each committed push change, only to the
// subscribers of that push's account, and the server-sent events stream passes it on and cleans up.
import { describe, expect, it } from "vitest";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { latestPushMarker } from "@/lib/webhooks/event-log";
import { publishPushChange, pushChangeStream, pushChangeSubscriberCount, subscribePushChanges } from "@/lib/webhooks/live";
import { redeliverPush } from "@/lib/webhooks/pushes";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { newMessageId } from "@/lib/webhooks/signing";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { eventually } from "../support/receiver";
import { API_KEY, useDeliveryHarness } from "../support/webhook-fixtures";

const harness = useDeliveryHarness();

let sequence = 0;
async function accountWithWebhook(callbackUrl: string): Promise<string> {
  const account = { id: (await db.account.create({ data: { name: `Live ${++sequence} ${Date.now()}`, plan: "enterprise" } })).id, plan: "enterprise" };
  await saveWebhookSettings(account, { callbackUrl, apiKey: API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "owner@test");
  return account.id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("publishing push changes", () => {
  it("a settled attempt reaches the subscribers of its account only, after the commit", async () => {
    const mine = await accountWithWebhook(harness.receiver.url);
    const other = await accountWithWebhook(harness.receiver.url);
    // What the database says each time a subscriber hears of a change: proof it was published after the commit.
    const seen: string[] = [];
    let otherCalls = 0;
    const unsubscribe = subscribePushChanges(mine, () => {
      void db.push.findFirst({ where: { accountId: mine }, select: { state: true, attemptCount: true } }).then((push) => seen.push(`${push?.state}/${push?.attemptCount}`));
    });
    const unsubscribeOther = subscribePushChanges(other, () => otherCalls++);

    harness.receiver.respondWith(500);
    harness.start({ retryDelaysMs: [300], maxBatch: 10 });
    await createDevice(mine, { deviceId: "LIVE-1", name: "Laptop", platform: "Linux" }, "api");
    await harness.receiver.waitForRequests(2);
    await eventually(async () => seen, (states) => states.includes("failed/2"), 5000, "a change seen after the failed push");
    // Formed (queued), retrying after attempt 1, failed after attempt 2: each heard once it was committed.
    expect(seen).toContain("retrying/1");
    expect(seen.indexOf("retrying/1")).toBeLessThan(seen.indexOf("failed/2"));
    expect(otherCalls).toBe(0);

    unsubscribe();
    unsubscribeOther();
    expect(pushChangeSubscriberCount(mine)).toBe(0);
    expect(pushChangeSubscriberCount(other)).toBe(0);
  });

  it("a redelivery and a test push publish too; an unsubscribed listener hears nothing", async () => {
    const accountId = await accountWithWebhook(harness.receiver.url);
    const failed = await db.push.create({ data: { id: newMessageId(), accountId, kind: "delivery", state: "failed", body: "[]", itemCount: 0 } });
    let calls = 0;
    const unsubscribe = subscribePushChanges(accountId, () => calls++);
    await redeliverPush(accountId, failed.id, "test");
    expect(calls).toBe(1);
    expect(await sendTestPush(accountId)).toMatchObject({ ok: true });
    expect(calls).toBe(2);
    unsubscribe();
    publishPushChange(accountId);
    expect(calls).toBe(2);
  });
});

// Reads a stream's text until a pattern matches or the time runs out; a read still pending at the
// timeout is kept for the next call, so no chunk is lost between calls.
function textReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  return {
    reader,
    async until(pattern: RegExp, timeoutMs = 3000): Promise<string> {
      let text = "";
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        const left = deadline - Date.now();
        if (left <= 0) return text;
        pending ??= reader.read();
        const next = await Promise.race([pending, sleep(left).then(() => null)]);
        if (!next) return text;
        pending = null;
        if (next.done) return text;
        text += decoder.decode(next.value);
      }
      return text;
    },
    async done(): Promise<boolean> {
      const next = await (pending ?? reader.read());
      pending = null;
      return next.done;
    },
  };
}

describe("the server-sent events stream", () => {
  it("sends a change for its account's publishes only, notices another process's pushes, and cleans up on disconnect", async () => {
    const accountId = await accountWithWebhook(harness.receiver.url);
    const otherId = await accountWithWebhook(harness.receiver.url);
    const abort = new AbortController();
    const stream = pushChangeStream(accountId, { readMarker: () => latestPushMarker(accountId), signal: abort.signal, checkMs: 100, heartbeatMs: 150 });
    const events = textReader(stream);

    expect(await events.until(/: connected\n\n/)).toBe("retry: 5000\n: connected\n\n");
    expect(pushChangeSubscriberCount(accountId)).toBe(1);

    // A heartbeat comment keeps the connection open.
    expect(await events.until(/: heartbeat\n\n/)).toContain(": heartbeat\n\n");

    publishPushChange(otherId);
    expect(await events.until(/event: change/, 400)).not.toContain("event: change");
    publishPushChange(accountId);
    expect(await events.until(/event: change\ndata: \{\}\n\n/)).toContain("event: change\ndata: {}\n\n");

    // Written by another process (no publish here): the periodic check of the newest push notices it.
    await sleep(250);
    await db.push.create({ data: { id: newMessageId(), accountId, kind: "delivery", state: "failed", body: "[]", itemCount: 0 } });
    expect(await events.until(/event: change/)).toContain("event: change");

    abort.abort();
    expect(pushChangeSubscriberCount(accountId)).toBe(0);
    // Anything already queued (heartbeats) drains, then the stream ends.
    await events.until(/(?!)/, 500);
    expect(await events.done()).toBe(true);
  });

  it("releases everything when the reader cancels", async () => {
    const accountId = await accountWithWebhook(harness.receiver.url);
    const stream = pushChangeStream(accountId, { readMarker: () => latestPushMarker(accountId), signal: new AbortController().signal });
    const events = textReader(stream);
    await events.until(/: connected/);
    expect(pushChangeSubscriberCount(accountId)).toBe(1);
    await events.reader.cancel();
    expect(pushChangeSubscriberCount(accountId)).toBe(0);
  });
});
