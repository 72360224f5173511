// Settings > Integrations > Webhook as administrators use it: the form and its field errors, the
// signing secret shown once, Send test, the automatic disable and re-enable, viewers, the plan.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver, type ReceivedRequest, type Receiver } from "../support/receiver";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { runDbTask } from "./support/db";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

const PATH = "/settings/integrations/webhook";
const PERMISSION_DENIED = "Only owners and admins can change settings. Your role is read-only.";

// Each test signs in, runs axe and takes full-page screenshots on a shared, busy machine.
test.describe.configure({ timeout: 90_000 });

let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await startReceiver();
});
test.afterEach(() => receiver.close());

const owner = () => fixtures().users.webhookOwner;
const accountId = () => owner().accountId;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

const settingsForm = (page: Page) => page.getByRole("form", { name: "Webhook settings" });
const formMessage = (page: Page) => settingsForm(page).getByTestId("form-message");
const saveButton = (page: Page) => page.getByRole("button", { name: "Save", exact: true });
const sendTestButton = (page: Page) => page.getByRole("button", { name: "Send test" });
const banner = (page: Page) => page.getByTestId("auto-disabled-banner");

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`screenshots/webhook-${name}.png`), fullPage: true });
}

// Collects hydration errors (React's minified #418/#423/#425 in a production build).
function watchHydration(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|#418|#423|#425/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

function signedHeaders(request: ReceivedRequest) {
  return {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  };
}

function configureWebhook(callbackUrl: string, apiKey: string, events?: string[]): string {
  return runDbTask<{ signingSecret: string | null }>("configure-webhook", { accountId: accountId(), callbackUrl, apiKey, events, enabled: true }).signingSecret ?? "";
}

function newDevice(): string {
  const deviceId = unique("E2E-WH");
  runDbTask("create-device", { accountId: accountId(), deviceId, name: "Webhook test laptop", platform: "macOS 15" });
  return deviceId;
}

test("Settings > Integrations > Webhook has its own address, which Settings and Integrations open", async ({ page }) => {
  await signIn(page, owner());
  for (const path of ["/settings", "/settings/integrations"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`${PATH}$`));
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  }
  await page.goto("/dashboard");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${PATH}$`));
  await expect(page.getByRole("navigation", { name: "Integrations" }).getByRole("link", { name: "Webhook", exact: true })).toHaveAttribute("aria-current", "page");
  // One current page for assistive technology: Integrations, not also its parent Settings.
  const main = page.getByRole("navigation", { name: "Main" });
  await expect(main.getByRole("link", { name: "Integrations", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(main.getByRole("link", { name: "Settings", exact: true })).not.toHaveAttribute("aria-current");
  // On a phone the sidebar shows only the sections, and highlights the current page's.
  const background = (name: string) => main.getByRole("link", { name, exact: true }).evaluate((link) => getComputedStyle(link).backgroundColor);
  expect(await background("Settings")).toBe(await background("Dashboard"));
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await background("Settings")).not.toBe(await background("Dashboard"));
});

test("an unconfigured webhook refuses bad input with field errors and keeps what was typed", async ({ page }, testInfo) => {
  const hydration = watchHydration(page);
  await signIn(page, owner(), PATH);
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  await expect(page.getByText("Not configured", { exact: true })).toBeVisible();
  await expect(page.getByText("A secret is created when you first save the webhook, and shown once.")).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "unconfigured");

  const url = page.getByLabel("Callback URL");
  const apiKey = page.getByLabel("API key");
  await url.fill("not a url");
  await apiKey.fill("vendor-key-1234");
  await saveButton(page).click();
  await expect(page.getByText("The callback URL is not a valid absolute URL")).toBeVisible();
  await expect(url).toHaveAttribute("aria-invalid", "true");
  await expect(url).toBeFocused();
  await expect(formMessage(page)).toHaveText("Check the highlighted fields.");
  // What the administrator typed is still there to fix.
  await expect(url).toHaveValue("not a url");
  await expect(apiKey).toHaveValue("vendor-key-1234");

  await url.fill("http://169.254.169.254/latest/meta-data/");
  await saveButton(page).click();
  await expect(page.getByText("The callback URL's host 169.254.169.254 is a cloud metadata address, which is never allowed.")).toBeVisible();
  await expect(url).toHaveAttribute("aria-invalid", "true");

  await url.fill("https://hooks.example.com/compliance");
  await apiKey.fill("");
  await saveButton(page).click();
  await expect(page.getByText("Enter the API key the receiver expects.")).toBeVisible();
  await expect(apiKey).toHaveAttribute("aria-invalid", "true");
  await expect(url).not.toHaveAttribute("aria-invalid", "true");

  await apiKey.fill("vendor-key-1234");
  for (const label of ["Installed", "Compliant", "Non-compliant", "Deleted"]) await page.getByLabel(label, { exact: true }).uncheck();
  await saveButton(page).click();
  await expect(page.getByText("Choose at least one event.")).toBeVisible();
  await expect(page.getByLabel("Compliant", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, testInfo, "field-errors");

  await page.reload();
  await expect(page.getByText("Not configured", { exact: true })).toBeVisible();
  expect(hydration).toEqual([]);
});

test("the form configures the webhook: the secret is shown once and pushes arrive signed as the contract says", async ({ page }, testInfo) => {
  const hydration = watchHydration(page);
  const key = unique("vendor-key");
  await signIn(page, owner(), PATH);
  await page.getByLabel("Callback URL").fill(receiver.url);
  await page.getByLabel("API key").fill(key);
  await page.getByLabel("Installed", { exact: true }).uncheck();
  await page.getByLabel("Deleted", { exact: true }).uncheck();
  await expect(page.getByRole("switch", { name: "Enable webhook delivery" })).toBeChecked();
  await saveButton(page).click();

  await expect(formMessage(page)).toHaveText("Webhook created. Copy its signing secret now: it is shown only once.");
  const secretBox = page.getByTestId("one-time-secret");
  await expect(secretBox).toBeFocused();
  const secret = (await page.getByTestId("signing-secret-value").textContent()) ?? "";
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  await expect(page.getByTestId("api-key-masked")).toHaveText(`••••••••${key.slice(-4)}`);
  await expect(page.getByText("Enabled", { exact: true })).toBeVisible();
  await screenshot(page, testInfo, "secret-shown");

  await page.reload();
  await expect(page.getByTestId("api-key-masked")).toHaveText(`••••••••${key.slice(-4)}`);
  await expect(page.getByTestId("one-time-secret")).toHaveCount(0);
  const html = await page.content();
  expect(html).not.toContain(secret);
  expect(html).not.toContain(key);
  await expect(page.getByLabel("Callback URL")).toHaveValue(receiver.url);
  await expect(page.getByLabel("Installed", { exact: true })).not.toBeChecked();
  await expect(page.getByLabel("Non-compliant", { exact: true })).toBeChecked();
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "configured");

  // Enrolling (installed) is not subscribed; the status change is, and arrives alone.
  const deviceId = newDevice();
  const changedAt = Date.now();
  runDbTask("change-status", { accountId: accountId(), deviceId, status: "non_compliant" });
  const [request] = await receiver.waitForRequests(1);
  expect(request!.method).toBe("POST");
  expect(request!.headers["content-type"]).toBe("application/json");
  expect(request!.headers.authorization).toBe(key);
  expect(request!.headers["webhook-id"]).toMatch(/^msg_/);
  const body = JSON.parse(request!.body) as { device_id: string; status: string; timestamp: number }[];
  expect(body).toEqual([{ device_id: deviceId, status: "non_compliant", timestamp: expect.any(Number) }]);
  expect(Math.abs(body[0]!.timestamp - changedAt)).toBeLessThan(60_000);
  expect(new Webhook(secret).verify(request!.body, signedHeaders(request!))).toEqual(body);
  expect(() => new Webhook(`whsec_${Buffer.from("not the secret at all!!").toString("base64")}`).verify(request!.body, signedHeaders(request!))).toThrow();
  expect(receiver.requests).toHaveLength(1);

  // The change is in the admin log, with the key masked.
  await page.goto("/event-log/admin");
  const row = page.getByRole("row", { name: /webhook\.created/ }).first();
  await expect(row).toContainText(owner().email);
  await expect(row).toContainText(key.slice(-4));
  expect(await page.content()).not.toContain(key);
  expect(hydration).toEqual([]);
});

test("Send test reports status and time for the URL and key in the form, and a failing receiver in plain words", async ({ page }, testInfo) => {
  const saved = await startReceiver();
  try {
    configureWebhook(saved.url, unique("saved-key"));
    await signIn(page, owner(), PATH);
    // An unsaved URL and a replacement key: the test goes there, nothing is saved.
    const typedKey = unique("typed-key");
    await page.getByLabel("Callback URL").fill(receiver.url);
    await page.getByRole("button", { name: "Replace" }).click();
    await expect(page.getByLabel("New API key")).toBeFocused();
    await page.getByLabel("New API key").fill(typedKey);
    receiver.respondWith(200, { body: '{"received":true}' });
    await sendTestButton(page).click();

    const result = page.getByTestId("test-push-result");
    await expect(result).toContainText("Test push delivered");
    await expect(page.getByTestId("test-push-status")).toHaveText("200");
    await expect(page.getByTestId("test-push-duration")).toHaveText(/^\d+ ms$/);
    await expect(result).toContainText('{"received":true}');
    const [request] = await receiver.waitForRequests(1);
    expect(request!.headers.authorization).toBe(typedKey);
    expect(JSON.parse(request!.body)).toEqual([{ device_id: "TEST-DEVICE-0000", status: "compliant", timestamp: expect.any(Number) }]);
    expect(saved.requests).toHaveLength(0);
    await expect(page.getByLabel("Callback URL")).toHaveValue(receiver.url);
    await expect(page.getByLabel("New API key")).toHaveValue(typedKey);
    await screenshot(page, testInfo, "test-result-ok");

    receiver.respondWith(500, { body: "upstream exploded" });
    await sendTestButton(page).click();
    await expect(result).toContainText("Test push failed");
    await expect(result).toContainText("The receiver answered 500.");
    await expect(page.getByTestId("test-push-status")).toHaveText("500");
    await expect(result).toContainText("upstream exploded");
    await expect(result).not.toContainText(/at .*\.(js|ts):\d+/);
    await expectNoSeriousAxeViolations(page);
    await screenshot(page, testInfo, "test-result-failed");

    // Nothing was saved by testing.
    await page.reload();
    await expect(page.getByLabel("Callback URL")).toHaveValue(saved.url);
  } finally {
    await saved.close();
  }
});

test("rotating the signing secret asks first, shows the new secret once and keeps the previous one valid", async ({ page }, testInfo) => {
  configureWebhook(receiver.url, unique("rotate-key"));
  await signIn(page, owner(), PATH);
  const rotate = async () => {
    await page.getByRole("button", { name: "Rotate secret…" }).click();
    await expect(page.getByText("Rotate the signing secret?")).toBeVisible();
    await page.getByRole("button", { name: "Rotate now" }).click();
    await expect(page.getByText("New signing secret: copy it now")).toBeVisible();
    await expect(page.getByText("Rotate the signing secret?")).toHaveCount(0);
    const secret = (await page.getByTestId("signing-secret-value").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    return secret;
  };

  await page.getByRole("button", { name: "Rotate secret…" }).click();
  await expect(page.getByText("Rotate the signing secret?")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByText("Rotate the signing secret?")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Rotate secret…" })).toBeFocused();

  const previousSecret = await rotate();
  await expect(page.getByTestId("previous-secret-expiry")).toContainText("The previous secret is still accepted until");
  const newSecret = await rotate();
  expect(newSecret).not.toBe(previousSecret);
  await expect(page.getByTestId("signing-secret-value")).toHaveCount(1);
  await screenshot(page, testInfo, "secret-rotated");

  // Pushes are signed with both secrets for 24 hours, so the vendor can switch over.
  newDevice(); // enrolling is an `installed` change, subscribed here
  const [request] = await receiver.waitForRequests(1);
  expect(String(request!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
  expect(new Webhook(newSecret).verify(request!.body, signedHeaders(request!))).toBeTruthy();
  expect(new Webhook(previousSecret).verify(request!.body, signedHeaders(request!))).toBeTruthy();

  await page.reload();
  await expect(page.getByTestId("one-time-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(newSecret);
  await expect(page.getByTestId("previous-secret-expiry")).toBeVisible();
});

test("after 5 failed pushes the webhook disables itself; re-enable and deliver held sends what was kept", async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  receiver.respondWith(500);
  configureWebhook(receiver.url, unique("failing-key"), ["compliant", "non_compliant"]);
  const deviceId = newDevice();
  const statuses = ["non_compliant", "compliant"] as const;
  // One push at a time (3 attempts each: the first and two retries), so none are batched together.
  for (let push = 1; push <= 5; push++) {
    runDbTask("change-status", { accountId: accountId(), deviceId, status: statuses[push % 2] });
    await receiver.waitForRequests(push * 3);
  }
  await signIn(page, owner(), PATH);
  await expect(async () => {
    await page.reload();
    await expect(banner(page)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });

  // Changes while disabled are held, not sent.
  runDbTask("change-status", { accountId: accountId(), deviceId, status: "non_compliant" });
  runDbTask("change-status", { accountId: accountId(), deviceId, status: "compliant" });
  await page.reload();
  await expect(banner(page)).toContainText("Webhook delivery is disabled");
  await expect(banner(page)).toContainText("Disabled automatically after 5 consecutive failed pushes.");
  await expect(page.getByTestId("banner-failures")).toHaveText("5");
  await expect(page.getByTestId("banner-held")).toHaveText("2");
  await expect(page.getByText("Disabled after failures")).toBeVisible();
  await expect(page.getByRole("switch", { name: "Enable webhook delivery" })).not.toBeChecked();
  expect(receiver.requests).toHaveLength(15);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "auto-disabled");

  receiver.respondWith(200);
  await page.getByRole("button", { name: "Re-enable and deliver held" }).click();
  await expect(page.getByTestId("reenable-result")).toHaveText(/Webhook re-enabled\. The held notifications are being delivered/);
  await expect(banner(page)).toHaveCount(0);
  await expect(page.getByText("Enabled", { exact: true })).toBeVisible();
  await expect(page.getByRole("switch", { name: "Enable webhook delivery" })).toBeChecked();

  // The two held changes arrive (in one push or two).
  await expect
    .poll(() => receiver.requests.slice(15).flatMap((request) => JSON.parse(request.body) as { status: string }[]).map((item) => item.status), { timeout: 15_000 })
    .toEqual(["non_compliant", "compliant"]);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("held-notifications")).toHaveText("0", { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("consecutive-failures")).toHaveText("0 of 5");
});

test("a viewer sees the webhook read-only, and a forged save is refused", async ({ page }, testInfo) => {
  const hydration = watchHydration(page);
  await signIn(page, fixtures().users.webhookViewer, PATH);
  await expect(page.getByText("You have read-only access. Owners and admins can change the webhook.")).toBeVisible();
  const url = page.getByLabel("Callback URL");
  await expect(url).toBeDisabled();
  await expect(page.getByRole("switch", { name: "Enable webhook delivery" })).toBeDisabled();
  await expect(page.getByLabel("Compliant", { exact: true })).toBeDisabled();
  for (const name of ["Save", "Send test", "Replace", "Rotate secret…", "Re-enable", "Re-enable and deliver held"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "viewer");

  const savedUrl = await url.inputValue();
  await page.evaluate(() => document.querySelectorAll("input").forEach((input) => input.removeAttribute("disabled")));
  await url.fill("https://taken-over.example.com/hook");
  await settingsForm(page).evaluate((form: HTMLFormElement) => form.requestSubmit());
  await expect(formMessage(page)).toHaveText(PERMISSION_DENIED);

  await page.reload();
  await expect(page.getByLabel("Callback URL")).toHaveValue(savedUrl);
  expect(hydration).toEqual([]);
});

test("a standard-plan account is told webhooks need the enterprise plan, with the form disabled", async ({ page }, testInfo) => {
  await signIn(page, fixtures().users.standard, PATH);
  await expect(page.getByTestId("plan-notice")).toContainText("Webhooks are an enterprise-plan feature.");
  await expect(page.getByLabel("Callback URL")).toBeDisabled();
  await expect(page.getByLabel("API key")).toBeDisabled();
  await expect(page.getByRole("switch", { name: "Enable webhook delivery" })).toBeDisabled();
  await expect(saveButton(page)).toBeDisabled();
  await expect(sendTestButton(page)).toBeDisabled();
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "standard-plan");
});

test("the webhook page works at 375 px wide and in the dark theme", async ({ page, context, baseURL }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, owner(), PATH);
  await expect(page.getByLabel("Callback URL")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "375");

  await page.setViewportSize({ width: 1280, height: 900 });
  await context.addCookies([{ name: "theme", value: "dark", url: baseURL! }]);
  await page.reload();
  await expect(page.locator("html")).toHaveClass("dark");
  receiver.respondWith(503, { body: "maintenance" });
  await page.getByLabel("Callback URL").fill(receiver.url);
  await sendTestButton(page).click();
  await expect(page.getByTestId("test-push-result")).toContainText("Test push failed");
  await expectNoSeriousAxeViolations(page);
  await screenshot(page, testInfo, "dark");
});
