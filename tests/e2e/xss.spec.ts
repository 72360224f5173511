// Script-bearing device ids and names (issue #8) in a real Chromium: enrolled through the API and the
// console, then shown on every page that shows devices (list, search, device page, device log, webhook
// log and push detail). Each payload sets window.__xss when it runs; the flag must stay unset, no dialog
// may open, and the text must be shown literally. Also: a malformed path escape gets a 400, not a 500.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { SCRIPT_BEARING_TEXT } from "../support/hostile-cases";
import { startReceiver, type Receiver } from "../support/receiver";
import { signIn } from "./support/session";

// One account per worker: created, enrolled and delivered once in beforeAll, then each test walks pages.
test.describe.configure({ timeout: 120_000 });

type XssAccount = { email: string; password: string; accountId: string; token: string };
const root = path.resolve(import.meta.dirname, "../..");
const DEVICES = SCRIPT_BEARING_TEXT.map((text, index) => ({ deviceId: text, name: `${text} name`, platform: `<b>Platform ${index}</b>` }));

let account: XssAccount;
let receiver: Receiver;
let baseURL: string;

function api(pathname: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${baseURL}/api/v1${pathname}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${account.token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
}

const notified = (deviceId: string, status: string) =>
  receiver.requests.some((request) => (JSON.parse(request.body) as { device_id: string; status: string }[]).some((item) => item.device_id === deviceId && item.status === status));

test.beforeAll(async ({}, testInfo) => {
  baseURL = testInfo.project.use.baseURL!;
  receiver = await startReceiver();
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, "--conditions=react-server", "tests/support/hostile-xss-account.ts", receiver.url], { cwd: root, env: process.env });
  account = JSON.parse(stdout.trim().split("\n").pop()!) as XssAccount;
  for (const device of DEVICES) {
    const created = await api("/devices", { method: "POST", body: { device_id: device.deviceId, name: device.name, platform: device.platform } });
    expect(created.status, await created.clone().text()).toBe(201);
    const changed = await api(`/devices/${encodeURIComponent(device.deviceId)}/status`, { method: "POST", body: { status: "non_compliant" } });
    expect(changed.status, await changed.clone().text()).toBe(200);
  }
  await expect.poll(() => DEVICES.every((device) => notified(device.deviceId, "non_compliant")), { timeout: 30_000, message: "every device's push delivered" }).toBe(true);
});
test.afterAll(() => receiver?.close());

// Fails the test when a payload ran: a dialog opened, or the flag a payload sets is set.
function watchForScripts(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return async (testInfo: TestInfo, name: string) => {
    await page.screenshot({ path: testInfo.outputPath(`screenshots/xss-${name}.png`), fullPage: true });
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), `a payload ran on ${name}`).toBeUndefined();
    expect(dialogs, `dialogs on ${name}`).toEqual([]);
    await expect(page.locator('img[src="x"], svg[onload]')).toHaveCount(0);
  };
}

test("the devices list and its search show every script-bearing id and name as text", async ({ page }, testInfo) => {
  const expectInert = watchForScripts(page);
  await signIn(page, account, "/devices");
  for (const device of DEVICES) {
    await expect(page.getByRole("link", { name: device.deviceId, exact: true })).toBeVisible();
    await expect(page.getByRole("cell", { name: device.name, exact: true })).toBeVisible();
  }
  await expectInert(testInfo, "devices-list");

  for (const [index, device] of DEVICES.entries()) {
    await page.getByLabel("Search").fill(device.deviceId);
    await page.getByLabel("Search").press("Enter");
    await expect(page).toHaveURL(/[?&]q=/);
    await expect(page.getByRole("link", { name: device.deviceId, exact: true })).toBeVisible();
    await expect(page.getByLabel("Search")).toHaveValue(device.deviceId);
    await expectInert(testInfo, `devices-search-${index}`);
  }
});

test("each device page shows its id, name and platform literally", async ({ page }, testInfo) => {
  const expectInert = watchForScripts(page);
  await signIn(page, account, "/devices");
  for (const [index, device] of DEVICES.entries()) {
    await page.goto("/devices");
    await page.getByRole("link", { name: device.deviceId, exact: true }).click();
    await expect(page.getByRole("heading", { name: device.name, exact: true })).toBeVisible();
    await expect(page.getByText(device.deviceId, { exact: true }).first()).toBeVisible();
    await expect(page.getByText(device.platform, { exact: true }).first()).toBeVisible();
    await expectInert(testInfo, `device-page-${index}`);
  }
});

test("the device log and the webhook log list every change and push as text", async ({ page }, testInfo) => {
  const expectInert = watchForScripts(page);
  await signIn(page, account, "/event-log/devices");
  for (const device of DEVICES) await expect(page.getByRole("link", { name: device.deviceId, exact: true }).first()).toBeVisible();
  await expectInert(testInfo, "event-log-devices");

  await page.goto("/event-log/webhook");
  for (const device of DEVICES) await expect(page.locator("tbody tr").filter({ hasText: device.deviceId }).first()).toBeVisible();
  await expectInert(testInfo, "event-log-webhook");
});

test("each push's detail page shows the script-bearing id in its links and in the JSON body, inert", async ({ page }, testInfo) => {
  const expectInert = watchForScripts(page);
  await signIn(page, account, "/event-log/webhook");
  for (const [index, device] of DEVICES.entries()) {
    const list = await (await api(`/logs/webhook?device_id=${encodeURIComponent(device.deviceId)}`)).json();
    expect(list.data.length, `pushes of ${device.deviceId}`).toBeGreaterThan(0);
    await page.goto(`/event-log/webhook/${list.data[0].push_id}`);
    await expect(page.getByRole("link", { name: device.deviceId, exact: true }).first()).toHaveAttribute("href", `/devices/${encodeURIComponent(device.deviceId)}`);
    // The body is the exact JSON sent: the id appears JSON-escaped, as the vendor received it.
    await expect(page.getByLabel("Request body")).toContainText(JSON.stringify(device.deviceId).slice(1, -1));
    await expectInert(testInfo, `push-detail-${index}`);
  }
});

test("the console's Add device form takes a script-bearing id as text and refuses an invisible one", async ({ page }, testInfo) => {
  const expectInert = watchForScripts(page);
  const deviceId = `<img src=x onerror="window.__xss='form'">${Date.now().toString(36)}`;
  await signIn(page, account, "/devices?add=1");
  const form = page.locator("form", { has: page.getByLabel("Device id", { exact: true }) });

  await page.getByLabel("Device id", { exact: true }).fill("\u200b\u202eDEV");
  await page.getByLabel("Name").fill("Invisible id");
  await page.getByLabel("Platform").fill("Linux");
  await form.getByRole("button", { name: "Add device" }).click();
  await expect(page.getByText("Use visible characters only (no control, zero-width or direction-changing characters).")).toBeVisible();
  await expectInert(testInfo, "add-device-refused");

  await page.getByLabel("Device id", { exact: true }).fill(deviceId);
  await page.getByLabel("Name").fill(`"><svg onload="window.__xss='form-name'">`);
  await form.getByRole("button", { name: "Add device" }).click();
  await expect(page.getByText(deviceId, { exact: true }).first()).toBeVisible();
  await page.goto("/devices");
  await expect(page.getByRole("link", { name: deviceId, exact: true })).toBeVisible();
  await expectInert(testInfo, "add-device-accepted");
});

test("a malformed escape in a path answers 400 (problem+json under /api), not a 500", async () => {
  const apiAnswer = await api("/devices/%E0%A4%A");
  expect(apiAnswer.status).toBe(400);
  expect(apiAnswer.headers.get("content-type")).toBe("application/problem+json");
  expect(await apiAnswer.json()).toMatchObject({ status: 400, code: "malformed_path", detail: expect.stringMatching(/not valid percent-encoding/) });

  const pageAnswer = await fetch(`${baseURL}/devices/%E0%A4%A`, { redirect: "manual" });
  expect(pageAnswer.status).toBe(400);
  expect(await pageAnswer.text()).toMatch(/not valid percent-encoding/);

  // A well-formed escape still reaches the API, which answers for the device.
  const wellFormed = await api(`/devices/${encodeURIComponent(DEVICES[0]!.deviceId)}`);
  expect(wellFormed.status).toBe(200);
});
