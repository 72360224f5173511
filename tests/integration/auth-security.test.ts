// Secrets against a hostile or careless vendor: a receiver that echoes back what it was sent (the
// API key in Authorization, the signature) in its error answer. What the console stores and shows of
// that answer (the push's attempts in the API, the CSV export) must not hand the secrets back out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as pushRoute } from "@/app/api/v1/logs/webhook/[push_id]/route";
import { GET as webhookLogRoute } from "@/app/api/v1/logs/webhook/route";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { pushesCsvStream } from "@/lib/webhooks/event-log";
import { sendTestPush } from "@/lib/webhooks/test-push";
import { apiToken, callApi } from "../support/api";
import { eventually, startReceiver, type Receiver } from "../support/receiver";
import { accountWithWebhook, testDispatcher } from "../support/webhook-fixtures";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

describe("a receiver that echoes the request back", () => {
  it("its answer is stored and shown without the API key or the signing secret", async () => {
    // The vendor's error page repeats the request headers, as some frameworks' debug pages do.
    receiver.handle((request, response) => {
      const echoed = `Unauthorized. You sent: Authorization: ${request.headers.authorization}; webhook-signature: ${request.headers["webhook-signature"]}`;
      response.writeHead(401, { "content-type": "text/plain" }).end(echoed);
    });
    const { accountId, signingSecret } = await accountWithWebhook(receiver.url);
    const { token } = await apiToken(accountId);
    const dispatcher = testDispatcher({ retryDelaysMs: [], maxBatch: 1 });
    let pushId: string;
    try {
      await createDevice(accountId, { deviceId: "ECHO-1", name: "Laptop", platform: "Linux" }, "test");
      pushId = (await eventually(() => db.push.findFirst({ where: { accountId } }), (push) => push?.state === "failed", 10_000, "push failed"))!.id;
    } finally {
      await dispatcher.stop();
    }
    const [sent] = receiver.requests;
    const apiKey = String(sent!.headers.authorization);
    const signature = String(sent!.headers["webhook-signature"]).split(",")[1]!;
    expect(apiKey.length).toBeGreaterThan(8);

    const detail = await callApi(pushRoute as never, { path: `/logs/webhook/${pushId}`, token, params: { push_id: pushId } });
    expect(detail.status).toBe(200);
    // The answer is there to help debugging…
    expect(detail.body.attempts[0]).toMatchObject({ http_status: 401, response_body: expect.stringContaining("Unauthorized. You sent: Authorization: ") });
    // …without the secrets it repeated.
    expect(detail.text).not.toContain(apiKey);
    expect(detail.text).not.toContain(signature);
    expect(detail.text).not.toContain(signingSecret.replace(/^whsec_/, ""));

    const list = await callApi(webhookLogRoute as never, { path: "/logs/webhook", token });
    expect(list.text).not.toContain(apiKey);

    let csv = "";
    for await (const chunk of pushesCsvStream(accountId, {}) as unknown as AsyncIterable<Uint8Array | string>) csv += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    expect(csv).toContain(pushId);
    expect(csv).not.toContain(apiKey);
  });

  it("a test push with the stored (write-once) key shows the receiver's answer without that key", async () => {
    receiver.handle((request, response) => void response.writeHead(403, { "content-type": "text/plain" }).end(`Bad key ${request.headers.authorization}`));
    const { accountId } = await accountWithWebhook(receiver.url);
    const before = receiver.requests.length;
    const result = await sendTestPush(accountId);
    const apiKey = String(receiver.requests[before]!.headers.authorization);
    expect(result).toMatchObject({ ok: false, status: 403, bodyExcerpt: "Bad key [redacted]" });
    const stored = await db.pushAttempt.findFirstOrThrow({ where: { pushId: result.pushId } });
    expect(stored.responseBody).toBe("Bad key [redacted]");
    expect(JSON.stringify(stored)).not.toContain(apiKey);
  });

  it("an answer cut at the 4 KiB the log keeps, across the echoed key, keeps no part of the key", async () => {
    // 4,090 bytes of page, then the key: the stored 4,096 bytes end in the key's first six characters.
    receiver.handle((request, response) => void response.writeHead(403, { "content-type": "text/plain" }).end(`${"x".repeat(4090)}${request.headers.authorization} was refused`));
    const { accountId } = await accountWithWebhook(receiver.url);
    const before = receiver.requests.length;
    const result = await sendTestPush(accountId);
    const apiKey = String(receiver.requests[before]!.headers.authorization);
    const stored = await db.pushAttempt.findFirstOrThrow({ where: { pushId: result.pushId } });
    expect(stored.responseBody).toBe(`${"x".repeat(4090)}[redacted]`);
    expect(stored.responseBody).not.toContain(apiKey.slice(0, 6));
  });
});
