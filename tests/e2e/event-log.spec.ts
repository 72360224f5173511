// Event Log as administrators use it: pushes appearing live, the detail of one push with its retries
// and redacted headers, Redeliver, filters in the URL, the CSV export, viewers (and a forged
// redeliver), hostile device ids, the device and admin logs, a 375 px screen and the dark theme.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { startReceiver, type Receiver } from "../support/receiver";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

const LIST = "/event-log/webhook";
const API_KEY = "eventlog-vendor-key-4c1d9e";
const PERMISSION_DENIED = "Only owners and admins can change settings. Your role is read-only.";
const CSV_HEADER = "time,webhook_id,kind,result,http_status,error_class,attempts,duration_ms,device_ids,statuses";

// Each test signs in, waits for real deliveries (with retries) and runs axe on a shared, busy machine.
test.describe.configure({ timeout: 120_000 });

const owner = () => fixtures().users.logOwner;
const viewer = () => fixtures().users.logViewer;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

const root = path.resolve(import.meta.dirname, "../..");

// The db tasks of support/db.ts, run without blocking this process: runDbTask waits synchronously,
// which would stall the receiver below (it lives in this process) and time out pushes sent meanwhile.
async function dbTask(task: "configure-webhook" | "create-device" | "change-status", input: Record<string, unknown>): Promise<void> {
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
  await promisify(execFile)(process.execPath, [tsx, "--conditions=react-server", "tests/e2e/support/db-task.ts", task, JSON.stringify(input)], { cwd: root, env: process.env });
}

// The receiver fails (500) every push carrying a FAIL-* device, until the test "heals" that device.
let receiver: Receiver;
const healed = new Set<string>();
test.beforeAll(async () => {
  receiver = await startReceiver();
  receiver.handle((request, response) => {
    const deviceIds = (JSON.parse(request.body) as { device_id: string }[]).map((notification) => notification.device_id);
    if (deviceIds.some((deviceId) => deviceId.startsWith("FAIL-") && !healed.has(deviceId))) {
      response.writeHead(500, { "content-type": "text/plain" }).end("upstream exploded");
    } else {
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    }
  });
  await dbTask("configure-webhook", { accountId: owner().accountId, callbackUrl: receiver.url, apiKey: API_KEY });
});
test.afterAll(() => receiver?.close());

function enroll(deviceId: string): Promise<void> {
  return dbTask("create-device", { accountId: owner().accountId, deviceId, name: "Event log laptop", platform: "Windows 11" });
}

const row = (page: Page, text: string) => page.locator("tbody tr").filter({ hasText: text });

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`screenshots/event-log-${name}.png`), fullPage: true });
}

// Collects hydration errors (React's minified #418/#423/#425 in a production build).
function watchHydration(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|#418|#423|#425/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

async function expectLive(page: Page): Promise<void> {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live", { timeout: 15_000 });
}

// Opens the log (signed in) and waits until the push of a device is listed with a final result.
async function openSettledRow(page: Page, deviceId: string, result: "succeeded" | "failed") {
  await page.goto(LIST);
  await expectLive(page);
  const found = row(page, deviceId);
  await expect(found).toContainText(result, { timeout: 20_000 });
  return found;
}

test("an empty log says why, then a new push appears without a reload with HTTP 200", async ({ page }, testInfo) => {
  const hydration = watchHydration(page);
  await signIn(page, owner(), LIST);
  await expect(page.getByRole("heading", { name: "No webhook pushes yet" })).toBeVisible();
  await expect(page.getByText("The webhook is on. The next device status change")).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "empty");

  await expectLive(page);
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  const deviceId = unique("EL-LIVE");
  await enroll(deviceId);

  const pushRow = row(page, deviceId);
  await expect(pushRow).toContainText("succeeded", { timeout: 20_000 });
  const cells = pushRow.getByRole("cell");
  await expect(cells.nth(0)).toContainText(/UTC\s*msg_[0-9A-Z]{26}$/);
  await expect(cells.nth(1)).toHaveText("succeeded");
  await expect(cells.nth(2)).toHaveText("200");
  await expect(cells.nth(3).getByRole("listitem")).toHaveText(`${deviceId}Installed`);
  await expect(cells.nth(4)).toHaveText("1");
  await expect(cells.nth(5)).toHaveText(/^\d+ ms$/);
  // The row arrived through the live stream: the page was never reloaded.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(page.getByRole("heading", { name: "No webhook pushes yet" })).toHaveCount(0);

  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "list");
  expect(hydration).toEqual([]);
});

test("a failing receiver: three attempts 300 ms and 600 ms apart, redacted headers, and Redeliver links a new push", async ({ page }, testInfo) => {
  const hydration = watchHydration(page);
  const deviceId = unique("FAIL-RETRY");
  await signIn(page, owner(), LIST);
  await expectLive(page);
  await enroll(deviceId);
  const pushRow = row(page, deviceId);
  await expect(pushRow).toContainText("failed", { timeout: 20_000 });
  await expect(pushRow.getByRole("cell").nth(2)).toHaveText("500");
  await expect(pushRow.getByRole("cell").nth(4)).toHaveText("3");

  // The receiver saw the retries after the configured delays (300 ms, then 600 ms).
  const received = receiver.requests.filter((request) => request.body.includes(deviceId));
  expect(received).toHaveLength(3);
  expect(received[1]!.receivedAt - received[0]!.receivedAt).toBeGreaterThanOrEqual(300);
  expect(received[2]!.receivedAt - received[1]!.receivedAt).toBeGreaterThanOrEqual(600);
  expect(received.every((request) => request.headers.authorization === API_KEY)).toBe(true);

  await pushRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/event-log\/webhook\/msg_[0-9A-Z]{26}$/);
  const pushId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { name: `Push ${pushId}` })).toBeVisible();
  await expect(page.getByText("Not delivered: every attempt failed and no retries are left.")).toBeVisible();

  const attempts = page.getByTestId("attempt");
  await expect(attempts).toHaveCount(3);
  for (let number = 1; number <= 3; number++) {
    const attempt = attempts.nth(number - 1);
    await expect(attempt.getByRole("heading", { level: 3 })).toContainText(`Attempt ${number}`);
    await expect(attempt.getByRole("heading", { level: 3 })).toContainText("500");
    await expect(attempt).toContainText(receiver.url);
    await expect(attempt.getByRole("row", { name: /^authorization/ })).toContainText("[redacted]");
    await expect(attempt.getByRole("row", { name: /^webhook-signature/ })).toContainText("[redacted]");
    await expect(attempt.getByRole("row", { name: /^webhook-id/ })).toContainText(pushId);
    await expect(attempt.getByLabel(`Response body of attempt ${number}`)).toHaveText("upstream exploded");
  }
  const gap = async (index: number) => Number((await attempts.nth(index).textContent())!.match(/retried ([\d,]+) ms after attempt/)![1]!.replace(",", ""));
  expect(await gap(1)).toBeGreaterThanOrEqual(295);
  expect(await gap(2)).toBeGreaterThanOrEqual(595);
  await expect(page.getByLabel("Request body")).toContainText(`"device_id": "${deviceId}"`);
  expect(await page.content()).not.toContain(API_KEY);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "detail-failed");

  // Redeliver once the receiver is fixed; a double click still queues one redelivery.
  healed.add(deviceId);
  await page.getByRole("button", { name: "Redeliver", exact: true }).dblclick();
  await expect(page.getByTestId("form-message")).toHaveText(/^Redelivery queued as a new push, msg_[0-9A-Z]{26}\.$/);
  await expect(page.getByTestId("redeliveries").getByRole("listitem")).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId("redeliveries").getByRole("listitem")).toHaveCount(1);
  const redeliveryId = (await page.getByTestId("redeliveries").getByRole("link").textContent())!;
  expect(redeliveryId).not.toBe(pushId);

  await page.getByTestId("redeliveries").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/event-log/webhook/${redeliveryId}$`));
  await expect(page.getByTestId("redelivery-of")).toHaveText(`Redelivery of ${pushId}`);
  await expect(page.getByText("Delivered: the receiver answered with a 2xx status.")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("attempt")).toHaveCount(1);
  await screenshot(page, testInfo, "detail-redelivery");
  await page.getByTestId("redelivery-of").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/event-log/webhook/${pushId}$`));

  // An unknown id (or another account's) is not found: a 404 with the not-found page.
  for (const missing of ["msg_00000000000000000000000000", "not-a-push-id"]) {
    const response = await page.goto(`${LIST}/${missing}`);
    expect(response!.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Push not found" })).toBeVisible();
    await expect(page.locator('meta[name="robots"][content="noindex"]').first()).toBeAttached();
  }

  // The log lists the redelivery with its kind.
  await page.goto(LIST);
  await expect(row(page, redeliveryId)).toContainText("Redelivery");
  await expect(row(page, redeliveryId)).toContainText("succeeded");
  expect(hydration).toEqual([]);
});

test("filters in the URL narrow the list, and the CSV download holds the filtered rows", async ({ page }, testInfo) => {
  const okId = unique("EL-FILTER-OK");
  const failId = unique("FAIL-FILTER");
  await enroll(okId);
  await enroll(failId);
  await signIn(page, owner(), LIST);
  await expect(row(page, failId)).toContainText("failed", { timeout: 20_000 });
  await expect(row(page, okId)).toContainText("succeeded", { timeout: 20_000 });

  await page.getByLabel("Result").selectOption("failed");
  await page.getByLabel("HTTP status").fill("5xx");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/[?&]result=failed/);
  await expect(page).toHaveURL(/[?&]status=5xx/);
  await expect(row(page, failId)).toHaveCount(1);
  await expect(row(page, okId)).toHaveCount(0);
  const rows = page.locator("tbody tr");
  for (const text of await rows.allTextContents()) expect(text).toMatch(/failed500/);
  await expect(page.getByLabel("HTTP status")).toHaveValue("5xx");
  await screenshot(page, testInfo, "filters");

  // The CSV export carries the same filters.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: /Export CSV/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^webhook-pushes-.*\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe(CSV_HEADER);
  expect(csv).toContain(failId);
  expect(csv).not.toContain(okId);
  expect(lines.length).toBe(1 + (await rows.count()));
  for (const line of lines.slice(1)) expect(line).toMatch(/^[^,]+,msg_[0-9A-Z]{26},(delivery|redelivery),failed,500,http_status,3,/);

  // A device id narrows to that device's pushes; a filter nothing matches says so.
  await page.goto(`${LIST}?device=${encodeURIComponent(okId)}`);
  await expect(rows).toHaveCount(1);
  await expect(row(page, okId)).toContainText("succeeded");
  await page.goto(`${LIST}?device=NO-SUCH-DEVICE&result=held`);
  await expect(page.getByRole("heading", { name: "No pushes match these filters" })).toBeVisible();
  await screenshot(page, testInfo, "empty-filtered");
  await page.getByRole("link", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(new RegExp(`${LIST}$`));

  // A malformed filter is a field error, not a failure.
  await page.goto(`${LIST}?status=abc`);
  await expect(page.getByText("Use a code like 404, a class like 5xx, or none.")).toBeVisible();
  await expect(page.getByLabel("HTTP status")).toHaveAttribute("aria-invalid", "true");
  const problem = await page.request.get(`/api/event-log/webhook.csv?status=abc`);
  expect(problem.status()).toBe(400);
});

test("Redeliver failed and held pushes since a time sends them again, once", async ({ page }, testInfo) => {
  // The form takes UTC; a second of margin before this test's own failure.
  const since = new Date(Date.now() - 1000).toISOString().slice(0, 19);
  const deviceId = unique("FAIL-SINCE");
  await enroll(deviceId);
  await signIn(page, owner(), LIST);
  await openSettledRow(page, deviceId, "failed");
  healed.add(deviceId);

  await page.getByText("Redeliver failed and held pushes since…").click();
  const sinceField = page.getByLabel("Since (UTC)");
  await sinceField.fill("");
  await page.getByRole("button", { name: "Redeliver failed and held pushes" }).click();
  await expect(page.getByText("Enter a date and time.")).toBeVisible();
  await expect(sinceField).toHaveAttribute("aria-invalid", "true");

  await sinceField.fill(since);
  await page.getByRole("button", { name: "Redeliver failed and held pushes" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("1 push queued for redelivery. They appear at the top of the log.");
  await expect(row(page, deviceId)).toHaveCount(2);
  await expect(row(page, deviceId).first()).toContainText("Redelivery");
  await expect(row(page, deviceId).first()).toContainText("succeeded", { timeout: 20_000 });
  await screenshot(page, testInfo, "redeliver-since");

  // What was redelivered is not sent again.
  await page.getByRole("button", { name: "Redeliver failed and held pushes" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Nothing to redeliver: no failed or held push since then is waiting for a redelivery.");
  await expect(row(page, deviceId)).toHaveCount(2);
});

test("a viewer sees no Redeliver, and a forged redeliver is refused", async ({ page, browser }, testInfo) => {
  const deviceId = unique("FAIL-VIEWER");
  await enroll(deviceId);
  await signIn(page, owner(), LIST);
  const failed = await openSettledRow(page, deviceId, "failed");
  await failed.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/event-log\/webhook\/msg_[0-9A-Z]{26}$/);
  const detailUrl = page.url();

  // The owner's Redeliver request, kept to be replayed by the viewer.
  healed.add(deviceId);
  const actionRequest = page.waitForRequest((request) => request.method() === "POST" && Boolean(request.headers()["next-action"]));
  await page.getByRole("button", { name: "Redeliver", exact: true }).click();
  const request = await actionRequest;
  const captured = { headers: await request.allHeaders(), body: request.postDataBuffer()! };
  await expect(page.getByTestId("form-message")).toHaveText(/^Redelivery queued as a new push/);
  await expect(page.getByTestId("redeliveries").getByRole("listitem")).toHaveCount(1);

  const context = await browser.newContext();
  const viewerPage = await context.newPage();
  await signIn(viewerPage, viewer(), new URL(detailUrl).pathname);
  await expect(viewerPage.getByText("Owners and admins can redeliver pushes.")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Redeliver" })).toHaveCount(0);
  await screenshot(viewerPage, testInfo, "detail-viewer");
  await viewerPage.goto(LIST);
  await expect(row(viewerPage, deviceId)).toHaveCount(2);
  await expect(viewerPage.getByText("Redeliver failed and held pushes since…")).toHaveCount(0);

  // Replayed with the viewer's session: the server checks the role and refuses.
  const forbiddenHeaders = new Set(["cookie", "content-length", "host", "connection"]);
  const headers = Object.fromEntries(Object.entries(captured.headers).filter(([name]) => !forbiddenHeaders.has(name) && !name.startsWith(":")));
  const forged = await viewerPage.request.post(detailUrl, { headers, data: captured.body });
  expect(forged.status()).toBe(200);
  expect(await forged.text()).toContain(PERMISSION_DENIED);

  // Still only the owner's redelivery.
  await viewerPage.goto(detailUrl);
  await expect(viewerPage.getByTestId("redeliveries").getByRole("listitem")).toHaveCount(1);
  await context.close();

  // Signed out, the APIs answer 401 with a problem document.
  const anonymous = await browser.newContext();
  const csv = await anonymous.request.get(new URL("/api/event-log/webhook.csv", detailUrl).toString());
  expect(csv.status()).toBe(401);
  expect(csv.headers()["content-type"]).toContain("application/problem+json");
  expect(await csv.text()).not.toContain(deviceId);
  const stream = await anonymous.request.get(new URL("/api/event-log/webhook/stream", detailUrl).toString());
  expect(stream.status()).toBe(401);
  await anonymous.close();
});

test("a hostile device id is shown as text everywhere and opens no dialog", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  const hostile = `<img src=x onerror=alert(1)>${unique("-X")}`;
  await enroll(hostile);
  await signIn(page, owner(), LIST);
  const pushRow = await openSettledRow(page, hostile, "succeeded");
  await expect(pushRow.getByRole("cell").nth(3)).toHaveText(`${hostile}Installed`);
  await pushRow.getByRole("link").first().click();
  await expect(page.getByRole("link", { name: hostile })).toBeVisible();
  await expect(page.getByLabel("Request body")).toContainText(hostile);
  await page.goto(`/event-log/devices?device=${encodeURIComponent(hostile)}`);
  await expect(page.getByRole("link", { name: hostile })).toHaveAttribute("href", `/devices/${encodeURIComponent(hostile)}`);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("the device log filters by device id and links to the device; the admin log reads as words", async ({ page }, testInfo) => {
  const deviceId = unique("EL-DEVICE");
  await enroll(deviceId);
  await dbTask("change-status", { accountId: owner().accountId, deviceId, status: "non_compliant" });
  await signIn(page, owner(), "/event-log/devices");
  await page.getByLabel("Device id").fill(deviceId);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`device=${deviceId}`));
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Non-compliant");
  await expect(page.getByRole("link", { name: "Open the device" })).toHaveAttribute("href", `/devices/${deviceId}`);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "devices");

  await page.goto("/event-log/admin");
  // The webhook's creation as words: its fields, the API key masked, no JSON.
  const created = page.locator("tbody tr").filter({ hasText: "webhook.created" });
  await expect(created).toContainText("callback URL: http://127.0.0.1:");
  await expect(created).toContainText("API key: ••••");
  await expect(created).toContainText("enabled: yes");
  await expect(created).not.toContainText("{");
  await expect(created).not.toContainText(API_KEY);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "admin");
});

test("the log works at 375 px wide and in the dark theme", async ({ page }, testInfo) => {
  const deviceId = unique("FAIL-NARROW");
  await enroll(deviceId);
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, owner(), LIST);
  const failed = await openSettledRow(page, deviceId, "failed");
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await screenshot(page, testInfo, "list-375");
  await failed.getByRole("link").first().click();
  await expect(page.getByTestId("attempt")).toHaveCount(3);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await screenshot(page, testInfo, "detail-375");

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass("dark");
  await page.getByTestId("user-menu").click();
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "detail-dark");
  await page.goto(LIST);
  await expectLive(page);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "list-dark");
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "System" }).click();
  await expect(page.locator("html")).toHaveClass("system");
});
