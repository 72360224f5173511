// A console stopped (SIGTERM, as a deploy or `systemctl stop` does) while a push is on its way: the
// server, as `npm start` runs it, lets the in-process dispatcher record the attempt before it exits,
// so the vendor gets the push once and the event log shows it delivered.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { startConsole, type ConsoleProcess } from "./support/console-process";
import { runDbTask } from "./support/db";
import { fixtures } from "./support/fixtures";

// Within the e2e server's WEBHOOK_TIMEOUT_MS (2 s).
const ANSWER_AFTER_MS = 1200;

let receiver: Server | undefined;
let restarting: ConsoleProcess | undefined;
test.afterEach(async () => {
  await restarting?.stop();
  if (!receiver) return;
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver!.close(resolve));
});

test("a console stopped while a push is on its way records the attempt before it exits; the push goes out once", async ({ request }) => {
  test.setTimeout(90_000);
  // A vendor that takes its time to answer.
  const received: { webhookId: string; at: number }[] = [];
  receiver = createServer((incoming, response) => {
    incoming.resume();
    incoming.on("end", () => {
      received.push({ webhookId: String(incoming.headers["webhook-id"]), at: Date.now() });
      setTimeout(() => response.writeHead(200).end(), ANSWER_AFTER_MS);
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;

  const { accountId } = fixtures().users.stopOwner;
  runDbTask("configure-webhook", { accountId, callbackUrl: `http://127.0.0.1:${port}/hooks`, apiKey: "deploy-e2e-api-key-5d1e", events: ["installed"] });
  const { token } = runDbTask<{ token: string }>("create-token", { accountId, scopes: ["devices:write", "logs:read"] });
  const headers = { authorization: `Bearer ${token}` };

  restarting = await startConsole({ server: "serve", publicUrl: (consolePort) => `http://127.0.0.1:${consolePort}` });
  const created = await request.post(`${restarting.url}/api/v1/devices`, { headers, data: { device_id: "DEPLOY-1", name: "Kiosk", platform: "Linux" } });
  expect(created.status()).toBe(201);
  await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);

  // Stopped while the vendor has not answered yet.
  const stoppedAt = Date.now();
  await restarting.stop();
  const exitedAt = Date.now();
  restarting = undefined;
  expect(exitedAt - received[0]!.at).toBeGreaterThanOrEqual(ANSWER_AFTER_MS - 100);
  expect(exitedAt - stoppedAt).toBeLessThan(20_000);

  // The event log (read through the console that keeps running) shows the push delivered, with its one
  // attempt; a push left "sending" would go out again once its lease ran out.
  const list = await request.get("/api/v1/logs/webhook", { headers });
  expect(list.status()).toBe(200);
  const [push] = (await list.json()).data as { push_id: string; result: string; attempt_count: number }[];
  expect(push).toMatchObject({ push_id: received[0]!.webhookId, result: "succeeded", attempt_count: 1 });
  expect(received).toHaveLength(1);
});
