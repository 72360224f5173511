import { expect, test, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../support/receiver";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { runDbTask } from "./support/db";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

// Every test uses its own device ids, so tests do not depend on each other's data.
// These tests walk through several pages each, with accessibility checks, on a shared machine.
test.describe.configure({ timeout: 120_000 });

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const admin = () => fixtures().users.devicesAdmin;
const viewer = () => fixtures().users.devicesViewer;

function createDevice(deviceId: string, name = "Ward tablet", platform = "Android 15") {
  runDbTask("create-device", { accountId: admin().accountId, deviceId, name, platform });
}

function listRow(page: Page, deviceId: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name: deviceId, exact: true }) });
}

// Waits until the receiver got a push carrying this device in this status.
async function waitForNotification(receiver: Receiver, deviceId: string, status: string) {
  await expect
    .poll(
      () => receiver.requests.flatMap((request) => JSON.parse(request.body) as { device_id: string; status: string }[]).some((item) => item.device_id === deviceId && item.status === status),
      { timeout: 15_000, message: `a push of ${deviceId} → ${status}` },
    )
    .toBe(true);
}

async function useDarkTheme(page: Page) {
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass("dark");
}

test("an admin adds a device (with field errors first), finds it by search and status, and opens it", async ({ page }, testInfo) => {
  const deviceId = `FLEET-${unique()}`;
  await signIn(page, admin(), "/devices");
  await page.getByRole("link", { name: "Add device" }).click();
  await expect(page).toHaveURL(/\/devices\?add=1$/);
  const form = page.locator("form", { has: page.getByLabel("Device id", { exact: true }) });

  await form.getByRole("button", { name: "Add device" }).click();
  await expect(page.getByText("Enter the device id.")).toBeVisible();
  await expect(page.getByText("Enter a name.")).toBeVisible();
  await expect(page.getByText("Enter the platform.")).toBeVisible();
  await expect(page.getByLabel("Device id", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Name").fill("Kept after an error");
  await form.getByRole("button", { name: "Add device" }).click();
  await expect(page.getByLabel("Name")).toHaveValue("Kept after an error");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/devices-add-errors.png"), fullPage: true });

  await page.getByLabel("Device id", { exact: true }).fill(deviceId);
  await page.getByLabel("Name").fill("Reception laptop");
  await page.getByLabel("Platform").fill("Windows 11");
  await form.getByRole("button", { name: "Add device" }).click();
  await expect(form.getByTestId("form-message")).toHaveText(`Added ${deviceId}.`);
  await expect(page.getByLabel("Device id", { exact: true })).toHaveValue("");
  await expect(listRow(page, deviceId)).toContainText("Installed");

  // The same id again is a field error, not a second device.
  await page.getByLabel("Device id", { exact: true }).fill(deviceId);
  await page.getByLabel("Name").fill("Twin");
  await page.getByLabel("Platform").fill("Linux");
  await form.getByRole("button", { name: "Add device" }).click();
  await expect(page.getByText("A device with this id already exists in this account.")).toBeVisible();
  await expect(page.getByLabel("Device id", { exact: true })).toHaveValue(deviceId);

  const other = `OTHER-${unique()}`;
  createDevice(other, "Storeroom scanner");
  runDbTask("change-status", { accountId: admin().accountId, deviceId: other, status: "compliant" });

  await page.goto("/devices");
  await page.getByLabel("Search").fill(deviceId.toLowerCase());
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=fleet-/);
  await expect(listRow(page, deviceId)).toBeVisible();
  await expect(listRow(page, other)).toHaveCount(0);

  await page.getByLabel("Search").fill("");
  await page.getByLabel("Status", { exact: true }).selectOption("compliant");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=compliant/);
  await expect(listRow(page, other)).toBeVisible();
  await expect(listRow(page, deviceId)).toHaveCount(0);

  await page.getByLabel("Status", { exact: true }).selectOption("installed");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(listRow(page, deviceId)).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/devices-list.png"), fullPage: true });

  await page.getByRole("link", { name: deviceId, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/devices/${deviceId}$`));
  await expect(page.getByRole("heading", { name: "Reception laptop", level: 1 })).toBeVisible();
  const details = page.getByRole("definition");
  await expect(details.filter({ hasText: "Windows 11" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Status history/ }).getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("table", { name: /Status history/ })).toContainText(admin().email);
});

test("status changes and deletion on the device page reach the history, the list and the webhook receiver", async ({ page }, testInfo) => {
  const receiver = await startReceiver();
  try {
    runDbTask("configure-webhook", { accountId: admin().accountId, callbackUrl: receiver.url, apiKey: `fleet-key-${unique()}` });
    // A free-text id: a space and a slash must survive the trip through the URL.
    const deviceId = `ward 3/bed ${unique()}`;
    createDevice(deviceId, "Bedside monitor", "Linux");
    await waitForNotification(receiver, deviceId, "installed");

    await signIn(page, admin(), "/devices");
    await page.getByLabel("Search").fill(deviceId);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("link", { name: deviceId, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/devices/${encodeURIComponent(deviceId)}$`));
    await expect(page.getByRole("heading", { name: "Bedside monitor", level: 1 })).toBeVisible();

    const newStatus = page.getByLabel("New status");
    await expect(newStatus.getByRole("option")).toHaveText(["Compliant", "Non-compliant"]);
    await newStatus.selectOption("non_compliant");
    await page.getByRole("button", { name: "Change status" }).click();
    await expect(page.getByText("Status changed to Non-compliant. The webhook will be notified.")).toBeVisible();
    const history = page.getByRole("table", { name: /Status history/ });
    await expect(history.getByRole("row").nth(1)).toContainText("Non-compliant");
    await expect(history.getByRole("row").nth(1)).toContainText(admin().email);
    await expect(newStatus.getByRole("option")).toHaveText(["Installed", "Compliant"]);
    await waitForNotification(receiver, deviceId, "non_compliant");
    const request = receiver.requests.find((received) => received.body.includes('"non_compliant"'))!;
    expect(request.headers.authorization).toMatch(/^fleet-key-/);

    // The pushes that carried the device link to their detail in the Event Log.
    const pushes = page.getByRole("table", { name: /Webhook pushes/ });
    await expect(async () => {
      await page.reload();
      await expect(pushes.getByRole("row")).toHaveCount(3, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    await expect(pushes.getByRole("row").nth(1)).toContainText("Non-compliant");
    await expect(pushes.getByRole("row").nth(1).getByRole("link")).toHaveAttribute("href", /^\/event-log\/webhook\/msg_[0-9A-Z]{26}$/);
    await expect(pushes.getByRole("row").nth(2)).toContainText("Installed");
    await expectNoSeriousAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("screenshots/device-page.png"), fullPage: true });

    // Delete asks first; Cancel keeps the device.
    await page.getByRole("button", { name: "Delete device" }).click();
    await expect(page.getByText(`Delete ${deviceId}? Vendors subscribed to Deleted are told it is gone.`)).toBeVisible();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("button", { name: "Delete device" })).toBeFocused();
    await page.getByRole("button", { name: "Delete device" }).click();
    await page.screenshot({ path: testInfo.outputPath("screenshots/device-delete-confirm.png"), fullPage: true });
    await page.getByRole("button", { name: "Yes, delete device" }).click();
    await expect(page.getByText("Device deleted. The webhook will be notified.")).toBeVisible();
    await expect(history.getByRole("row").nth(1)).toContainText("Deleted");
    await expect(page.getByRole("button", { name: "Delete device" })).toHaveCount(0);
    await waitForNotification(receiver, deviceId, "deleted");

    await page.goto(`/devices?q=${encodeURIComponent(deviceId)}`);
    await expect(listRow(page, deviceId)).toContainText("Deleted");
  } finally {
    runDbTask("configure-webhook", { accountId: admin().accountId, callbackUrl: receiver.url, apiKey: "fleet-key-off", enabled: false });
    await receiver.close();
  }
});

test("a hostile device id and name render as text, on the list and on the device page", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  const deviceId = `<img src=x onerror=alert(1)> ${unique()}`;
  const name = `<script>alert('xss')</script> ${unique()}`;
  createDevice(deviceId, name, "<b>Linux</b>");
  await signIn(page, admin(), "/devices");
  await expect(page.getByRole("link", { name: deviceId, exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
  await page.getByRole("link", { name: deviceId, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "<b>Linux</b>" })).toBeVisible();
  await expect(page.locator("img[src=x]")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("an unknown device, or one of another account, is not found", async ({ page }) => {
  await signIn(page, admin(), "/devices");
  // E2E-LAPTOP-1 belongs to the Acme Health account.
  for (const path of ["/devices/NO-SUCH-DEVICE", "/devices/E2E-LAPTOP-1", `/devices/${encodeURIComponent("50% off/€")}`]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Device not found", level: 1 })).toBeVisible();
    await expect(page.getByText("Test laptop")).toHaveCount(0);
  }
});

test("a device URL with an id no device can have (control or direction-changing characters) is not found", async ({ page }) => {
  await signIn(page, admin(), "/devices");
  for (const path of ["/devices/%00", "/devices/DEV%00-1", "/devices/%07", `/devices/${encodeURIComponent("DEV-\u202egpj.exe")}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Device not found", level: 1 })).toBeVisible();
  }
});

test("a search with a control character says why on the search field and lists the devices unsearched", async ({ page }) => {
  const deviceId = `CTRL-${unique()}`;
  createDevice(deviceId, "Search control");
  await signIn(page, admin(), "/devices");
  for (const query of ["%00", "DEV%1B%5B31m"]) {
    const response = await page.goto(`/devices?status=installed&q=${query}`);
    expect(response?.status(), query).toBe(200);
    await expect(page.getByLabel("Search")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Search")).toHaveAccessibleDescription("Use printable characters only (no control characters).");
    await expect(page.getByRole("table", { name: "Devices, by device id" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Clear filters" })).toBeVisible();
  }
  await expectNoSeriousAxeViolations(page);
  // Searching again with printable text finds the device and clears the error.
  await page.getByLabel("Search").fill(deviceId);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(listRow(page, deviceId)).toBeVisible();
  await expect(page.getByLabel("Search")).not.toHaveAttribute("aria-invalid", "true");
});

test("a viewer sees no edit controls, and a forged status change is refused", async ({ page, browser }) => {
  const deviceId = `VIEW-${unique()}`;
  createDevice(deviceId, "Kiosk");

  // Capture the admin's real server-action request for a status change, without letting it through.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, admin(), `/devices/${deviceId}`);
  let forged: { headers: Record<string, string>; body: Buffer } | undefined;
  await adminPage.route(`**/devices/${deviceId}`, async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    forged = { headers: await request.allHeaders(), body: request.postDataBuffer()! };
    await route.abort();
  });
  await adminPage.getByLabel("New status").selectOption("non_compliant");
  await adminPage.getByRole("button", { name: "Change status" }).click();
  await expect.poll(() => forged).toBeDefined();
  await adminContext.close();

  await signIn(page, viewer(), "/devices");
  await expect(page.getByRole("link", { name: "Add device" })).toHaveCount(0);
  await page.goto("/devices?add=1");
  await expect(page.getByLabel("Device id", { exact: true })).toHaveCount(0);
  await page.goto(`/devices/${deviceId}`);
  await expect(page.getByRole("heading", { name: "Kiosk", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Change status" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete device" })).toHaveCount(0);
  await expect(page.getByLabel("New status")).toHaveCount(0);

  // Replay the admin's request with the viewer's session.
  const headers = Object.fromEntries(Object.entries(forged!.headers).filter(([key]) => !["cookie", "content-length", "host"].includes(key.toLowerCase())));
  const response = await page.request.post(`/devices/${deviceId}`, { headers, data: forged!.body });
  expect(await response.text()).toContain("Only owners and admins can change settings. Your role is read-only.");
  await page.reload();
  await expect(page.getByRole("definition").filter({ hasText: "Installed" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Status history/ }).getByRole("row")).toHaveCount(2);
});

test("the device pages work at 375 px and in the dark theme", async ({ page }, testInfo) => {
  const deviceId = `SMALL-${unique()}-with-a-rather-long-identifier-0123456789`;
  createDevice(deviceId, "Night shift handheld");
  // Hydration mismatches and other client errors show up in the console.
  const consoleErrors: string[] = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, admin(), "/devices");
  for (const [path, name] of [["/devices", "devices-list-375"], [`/devices/${encodeURIComponent(deviceId)}`, "device-page-375"], ["/devices?add=1", "devices-add-375"]]) {
    await page.goto(path!);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: testInfo.outputPath(`screenshots/${name}.png`), fullPage: true });
  }
  await page.goto(`/devices/${encodeURIComponent(deviceId)}`);
  await expect(page.getByRole("button", { name: "Change status" })).toBeVisible();

  await page.setViewportSize({ width: 1280, height: 900 });
  await useDarkTheme(page);
  for (const [path, name] of [["/devices", "devices-list-dark"], [`/devices/${encodeURIComponent(deviceId)}`, "device-page-dark"], ["/devices?add=1", "devices-add-dark"]]) {
    await page.goto(path!);
    await expect(page.locator("html")).toHaveClass("dark");
    await expectNoSeriousAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath(`screenshots/${name}.png`), fullPage: true });
  }
  expect(consoleErrors).toEqual([]);
});
