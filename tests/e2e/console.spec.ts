import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

const PAGES = [
  { path: "/dashboard", heading: "Dashboard" },
  { path: "/devices", heading: "Devices" },
  { path: "/event-log/webhook", heading: "Event Log" },
  { path: "/event-log/devices", heading: "Event Log" },
  { path: "/event-log/admin", heading: "Event Log" },
  { path: "/settings/integrations/webhook", heading: "Integrations" },
  { path: "/settings/users", heading: "Users" },
  { path: "/settings/api-tokens", heading: "API tokens" },
  { path: "/settings/account", heading: "Account" },
];

async function expectNoSeriousAxeViolations(page: Page) {
  // Next.js streams a dynamic page's <title> after its content: axe's document-title rule reads it.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
}

function screenshotName(path: string, suffix = "") {
  return `screenshots/${path.replace(/^\//, "").replaceAll("/", "-") || "home"}${suffix}.png`;
}

// One test a page, so a slow machine gives each page its own time budget and a failure names the page.
for (const { path, heading } of PAGES) {
  test(`${path} renders without console errors or hydration warnings, passes axe and is saved as a screenshot`, async ({ page }, testInfo) => {
    test.setTimeout(60_000);
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || /hydrat/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
    await signIn(page, fixtures().users.owner);
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expectNoSeriousAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath(screenshotName(path)), fullPage: true });
    expect(problems).toEqual([]);
  });
}

test("the sign-in page passes axe", async ({ page }, testInfo) => {
  await page.goto("/signin");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath(screenshotName("/signin")), fullPage: true });
});

test("the dark theme applies across pages and passes axe", async ({ page }, testInfo) => {
  await signIn(page, fixtures().users.admin);
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass("dark");
  await page.goto("/devices");
  await expect(page.locator("html")).toHaveClass("dark");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath(screenshotName("/devices", "-dark")), fullPage: true });
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "System" }).click();
  await expect(page.locator("html")).toHaveClass("system");
});

test("devices from the database are escaped, searchable and filterable", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await signIn(page, fixtures().users.owner, "/devices");
  await expect(page.getByRole("cell", { name: "<img src=x onerror=alert(1)>" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "<script>alert('xss')</script>" })).toBeVisible();
  expect(dialogs).toBe(0);

  await page.getByLabel("Status").selectOption("non_compliant");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=non_compliant/);
  await expect(page.getByRole("cell", { name: "E2E-PHONE-1" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "E2E-LAPTOP-1" })).toHaveCount(0);

  await page.goto("/devices?q=nothing-like-this");
  await expect(page.getByRole("heading", { name: "No devices match" })).toBeVisible();
});

test("the dashboard counts the account's devices by status", async ({ page }) => {
  await signIn(page, fixtures().users.owner);
  await expect(page.getByTestId("count-compliant")).toHaveText("1");
  await expect(page.getByTestId("count-non_compliant")).toHaveText("1");
  await expect(page.getByTestId("count-installed")).toHaveText("1");
  await expect(page.getByTestId("count-deleted")).toHaveText("0");
});

test("a standard-plan account is told webhooks need the enterprise plan and sees only its own data", async ({ page }) => {
  await signIn(page, fixtures().users.standard, "/settings/integrations/webhook");
  await expect(page.getByText("Webhooks are an enterprise-plan feature.")).toBeVisible();
  await page.goto("/devices");
  await expect(page.getByRole("heading", { name: "No devices yet" })).toBeVisible();
  await page.goto("/settings/users");
  await expect(page.getByRole("cell", { name: "owner@acme.test" })).toHaveCount(0);
});

test("the console is usable at 375 px wide", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, fixtures().users.owner);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath("screenshots/settings-account-375.png"), fullPage: true });
});

test("the console is reachable by keyboard alone", async ({ page }) => {
  await signIn(page, fixtures().users.owner);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  const reached = new Set<string>();
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
  }
  for (const label of ["Dashboard", "Devices", "Event Log", "Integrations", "Users"]) expect(reached).toContain(label);
});
