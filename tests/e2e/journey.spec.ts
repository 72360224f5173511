// The whole product in one administrator's journey: configure the webhook in the form, change a
// device's status on its page, the vendor's receiver gets the contract, and the Event Log that was
// already open shows the push with 200 without a reload.
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver, type Receiver } from "../support/receiver";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(() => receiver.close());

test("configure, change a status, the vendor receives it and the log shows it live", async ({ page, context }) => {
  test.setTimeout(120_000);
  const owner = fixtures().users.journeyOwner;
  await signIn(page, owner, "/settings/integrations/webhook");

  await page.getByLabel("Callback URL").fill(receiver.url);
  await page.getByLabel("API key").fill("journey-vendor-key-0042");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const secret = (await page.getByTestId("signing-secret-value").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);

  await page.goto("/devices?add=1");
  const form = page.locator("form", { has: page.getByLabel("Device id", { exact: true }) });
  await page.getByLabel("Device id", { exact: true }).fill("JOURNEY-LAPTOP-1");
  await page.getByLabel("Name").fill("Front desk laptop");
  await page.getByLabel("Platform").fill("Windows 11");
  await form.getByRole("button", { name: "Add device" }).click();
  const [enrolled] = await receiver.waitForRequests(1);
  expect(JSON.parse(enrolled!.body)).toEqual([{ device_id: "JOURNEY-LAPTOP-1", status: "installed", timestamp: expect.any(Number) }]);

  // The Event Log is open in another tab while the status changes.
  const log = await context.newPage();
  await log.goto("/event-log/webhook");
  await expect(log.getByTestId("live-status")).toHaveAttribute("data-state", "live", { timeout: 15_000 });

  await page.goto(`/devices/${encodeURIComponent("JOURNEY-LAPTOP-1")}`);
  await page.getByLabel("New status").selectOption("non_compliant");
  await page.getByRole("button", { name: "Change status" }).click();

  const [, changed] = await receiver.waitForRequests(2);
  expect(changed!.headers.authorization).toBe("journey-vendor-key-0042");
  expect(changed!.headers["content-type"]).toBe("application/json");
  const body = new Webhook(secret).verify(changed!.body, {
    "webhook-id": String(changed!.headers["webhook-id"]),
    "webhook-timestamp": String(changed!.headers["webhook-timestamp"]),
    "webhook-signature": String(changed!.headers["webhook-signature"]),
  });
  expect(body).toEqual([{ device_id: "JOURNEY-LAPTOP-1", status: "non_compliant", timestamp: expect.any(Number) }]);

  const row = log.locator(`tbody tr[data-push-id="${String(changed!.headers["webhook-id"])}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row).toContainText("Non-compliant");
  await expect(row).toContainText("succeeded");
  await expect(row).toContainText("200");
});
