// The vendor kit end to end against the running console: an integration configured over the REST API,
// status changes made over the REST API, and examples/receiver verifying and printing each one once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { runDbTask } from "./support/db";
import { fixtures } from "./support/fixtures";

const API_KEY = "kit-e2e-api-key-2f9c";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

let kit: ChildProcess | undefined;
let dataDir: string | undefined;
test.afterEach(() => {
  kit?.kill("SIGTERM");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("the example receiver verifies and prints each status change made through the API", async ({ request }) => {
  test.setTimeout(60_000);
  const { token } = runDbTask<{ token: string }>("create-token", {
    accountId: fixtures().users.kitOwner.accountId,
    scopes: ["devices:write", "webhook:write", "logs:read"],
  });
  const headers = { authorization: `Bearer ${token}` };
  const port = await freePort();

  const put = await request.put("/api/v1/integrations/webhook", {
    headers,
    data: { callback_url: `http://127.0.0.1:${port}/webhooks/compliance`, api_key: API_KEY, events: ["installed", "non_compliant"], enabled: true },
  });
  expect(put.status()).toBe(200);
  const { signing_secret: signingSecret } = await put.json();
  expect(signingSecret).toMatch(/^whsec_/);

  dataDir = mkdtempSync(path.join(tmpdir(), "kit-e2e-"));
  // Only what a vendor's machine would have: no console settings leak into the kit.
  const vendorEnv = { NODE_ENV: "production" as const, PATH: process.env.PATH, PORT: String(port), HOST: "127.0.0.1", WEBHOOK_API_KEY: API_KEY, WEBHOOK_SIGNING_SECRET: signingSecret, DATA_DIR: dataDir };
  const receiver = spawn(process.execPath, ["examples/receiver/server.mjs"], { env: vendorEnv, stdio: ["ignore", "pipe", "pipe"] });
  kit = receiver;
  let printed = "";
  let logged = "";
  receiver.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  receiver.stderr.on("data", (chunk: Buffer) => (logged += chunk.toString()));
  await expect.poll(() => logged, { timeout: 10_000 }).toContain("listening");

  expect((await request.post("/api/v1/devices", { headers, data: { device_id: "KIT-LAPTOP-1", name: "Reception laptop", platform: "macOS" } })).status()).toBe(201);
  const change = await request.post("/api/v1/devices/KIT-LAPTOP-1/status", { headers, data: { status: "non_compliant" } });
  expect(change.status()).toBe(200);

  const events = () =>
    printed
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { webhook_id: string; device_id: string; status: string; timestamp: number });
  await expect.poll(() => events().map((event) => event.status), { timeout: 20_000 }).toEqual(["installed", "non_compliant"]);
  expect(events().every((event) => event.device_id === "KIT-LAPTOP-1" && /^msg_/.test(event.webhook_id))).toBe(true);
  expect(logged).not.toContain(API_KEY);
  expect(logged).not.toContain(signingSecret);

  // The console's log agrees: every push to the kit succeeded with its 200.
  const pushes = async () => {
    const log = await request.get("/api/v1/logs/webhook?device_id=KIT-LAPTOP-1", { headers });
    expect(log.status()).toBe(200);
    return ((await log.json()).data as { result: string; last_http_status: number | null }[]).map((push) => `${push.result} ${push.last_http_status}`);
  };
  await expect.poll(async () => [...new Set(await pushes())], { timeout: 10_000 }).toEqual(["succeeded 200"]);
});
