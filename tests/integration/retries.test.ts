import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { eventually, type Receiver } from "../support/receiver";
import { accountWithWebhook, useDeliveryHarness } from "../support/webhook-fixtures";

let device = 0;

const harness = useDeliveryHarness();

// Answers the given statuses in order, then 200.
function answerInTurn(statuses: number[]) {
  let call = 0;
  harness.receiver.handle((_request, response) => {
    const status = statuses[call++] ?? 200;
    response.writeHead(status).end(`answer ${call}`);
  });
}

async function pushAfterOneChange(accountId: string) {
  await createDevice(accountId, { deviceId: `RETRY-${++device}`, name: "Laptop", platform: "Linux" }, "api");
}

const settledPush = (accountId: string) =>
  eventually(
    () => db.push.findFirst({ where: { accountId }, include: { attempts: { orderBy: { number: "asc" } } } }),
    (push) => push !== null && ["succeeded", "failed"].includes(push.state),
    90_000,
    "a settled push",
  );

const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]!);

describe("retries", () => {
  it("fails, then succeeds on the first retry, really 4 s later, with the same webhook-id", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    answerInTurn([503]);
    harness.start({ retryDelaysMs: [4000, 60_000] });
    await pushAfterOneChange(accountId);
    const push = await settledPush(accountId);
    expect(push!.state).toBe("succeeded");
    expect(push!.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 200]);
    expect(push!.attempts[0]).toMatchObject({ errorClass: "http_status", responseBody: "answer 1" });
    const [first, second] = harness.receiver.requests;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    const [gap] = gaps(harness.receiver.requests.map((request) => request.receivedAt));
    expect(gap).toBeGreaterThanOrEqual(3950);
    expect(gap).toBeLessThan(4600);
    expect(await db.webhookIntegration.findUnique({ where: { accountId } })).toMatchObject({ consecutiveFailures: 0, enabled: true });
  });

  it("fails twice, then succeeds on the second retry", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    answerInTurn([500, 502]);
    harness.start({ retryDelaysMs: [200, 3000] });
    await pushAfterOneChange(accountId);
    const push = await settledPush(accountId);
    expect(push!.state).toBe("succeeded");
    expect(push!.attempts.map((attempt) => [attempt.number, attempt.statusCode])).toEqual([[1, 500], [2, 502], [3, 200]]);
    expect(new Set(harness.receiver.requests.map((request) => request.headers["webhook-id"])).size).toBe(1);
  });

  it("three failures mark the push failed, with attempts at 0 s, 4 s and 64 s (scaled 1:20)", async () => {
    const { accountId } = await accountWithWebhook(harness.receiver.url);
    answerInTurn([500, 500, 500]);
    harness.start({ retryDelaysMs: [200, 3000] });
    await pushAfterOneChange(accountId);
    const push = await settledPush(accountId);
    expect(push!.state).toBe("failed");
    expect(push!.attempts).toHaveLength(3);
    const [toSecond, toThird] = gaps(harness.receiver.requests.map((request) => request.receivedAt));
    expect(toSecond).toBeGreaterThanOrEqual(190);
    expect(toSecond).toBeLessThan(600);
    expect(toThird).toBeGreaterThanOrEqual(2990);
    expect(toThird).toBeLessThan(3500);
    expect(await db.notification.findFirst({ where: { accountId } })).toMatchObject({ state: "failed" });
    expect(await db.webhookIntegration.findUnique({ where: { accountId } })).toMatchObject({ consecutiveFailures: 1, enabled: true });
    // Nothing more is sent after the last attempt.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.receiver.requests).toHaveLength(3);
  });
});

describe("receivers that misbehave", () => {
  const cases: { name: string; expected: string; respond: Parameters<Receiver["handle"]>[0] }[] = [
    { name: "redirects", expected: "http_status", respond: (_request, response) => void response.writeHead(302, { location: "/elsewhere" }).end() },
    { name: "answers 500", expected: "http_status", respond: (_request, response) => void response.writeHead(500).end("boom") },
    { name: "resets the connection", expected: "connection_reset", respond: (_request, response) => void response.socket?.destroy() },
    { name: "hangs", expected: "timeout", respond: () => undefined },
  ];
  for (const { name, expected, respond } of cases) {
    it(`a receiver that ${name} is classified as ${expected}, logged and retried`, async () => {
      const { accountId } = await accountWithWebhook(harness.receiver.url);
      harness.receiver.handle(respond);
      harness.start({ retryDelaysMs: [50, 50], timeoutMs: 500 });
      await pushAfterOneChange(accountId);
      const push = await settledPush(accountId);
      expect(push!.state).toBe("failed");
      expect(push!.attempts.map((attempt) => attempt.errorClass)).toEqual([expected, expected, expected]);
      expect(push!.attempts.every((attempt) => attempt.errorMessage)).toBe(true);
      expect(harness.receiver.requests.filter((request) => request.path === "/elsewhere")).toHaveLength(0);
    });
  }
});
