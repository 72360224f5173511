// The public docs: readable without signing in, accessible in light and dark on a phone and a desktop,
// stating this server's delivery settings, with a signature example that verifies, and every
// operation of the OpenAPI document on the API reference.
import { createHmac } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations } from "./support/axe";

const PAGES = [
  { path: "/docs", heading: "Compliance Webhooks documentation" },
  { path: "/docs/webhooks", heading: "Receiving webhooks" },
  { path: "/docs/api", heading: "API reference" },
];
const VIEWPORTS = [
  { name: "375", width: 375, height: 812 },
  { name: "desktop", width: 1280, height: 900 },
];
// Axe once per theme and once per width (its checks depend on colours and layout, and it is the slow
// part of these tests: the API reference is a long page).
const AXE_RUNS = new Set(["light desktop", "dark 375"]);
const METHODS = ["get", "put", "post", "delete", "patch"];

type OperationObject = { operationId?: string; summary?: string };
type OpenApiDocument = { paths: Record<string, Record<string, OperationObject>>; webhooks?: Record<string, Record<string, OperationObject>> };

function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || /hydrat/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  return problems;
}

for (const colorScheme of ["light", "dark"] as const) {
  for (const viewport of VIEWPORTS) {
    const withAxe = AXE_RUNS.has(`${colorScheme} ${viewport.name}`);
    test(`signed out, ${colorScheme}, ${viewport.name}: every docs page renders${withAxe ? ", passes axe" : ""}, fits the screen and is saved as a screenshot`, async ({ page }, testInfo) => {
      test.setTimeout(120_000);
      const problems = collectProblems(page);
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize(viewport);
      for (const { path, heading } of PAGES) {
        await page.goto(path);
        await expect(page).toHaveURL(new RegExp(`${path}$`));
        await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
        await expect(page.getByRole("navigation", { name: "Documentation" }).locator('a[aria-current="page"]')).toHaveAttribute("href", path);
        // The theme follows the operating system for a signed-out reader.
        expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe(colorScheme);
        if (withAxe) await expectNoSeriousAxeViolations(page);
        // Wide tables and code scroll inside their own boxes; the page itself never scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} at ${viewport.name}`).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: testInfo.outputPath(`screenshots/${path.slice(1).replaceAll("/", "-")}-${colorScheme}-${viewport.name}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
    });
  }
}

test("the docs navigation moves between the pages and the product name leads to the console", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.getByRole("link", { name: /Compliance Webhooks/ }).first()).toHaveAttribute("href", "/");
  await page.getByRole("main").getByRole("link", { name: "Receiving webhooks" }).first().click();
  await expect(page).toHaveURL(/\/docs\/webhooks$/);
  await page.getByRole("navigation", { name: "Documentation" }).getByRole("link", { name: "API reference" }).click();
  await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  await page.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: "Errors" }).click();
  await expect(page).toHaveURL(/\/docs\/api#errors$/);
});

test("the webhooks page states this server's delivery settings and a signature example that verifies", async ({ page }) => {
  // scripts/e2e.ts scales the delivery settings down; the page must say what this server does.
  const retryDelays = (process.env.WEBHOOK_RETRY_DELAYS_MS ?? "4000,60000").split(",").map(Number);
  const threshold = process.env.WEBHOOK_DISABLE_AFTER_FAILURES ?? "100";
  const say = (ms: number) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);
  await page.goto("/docs/webhooks");
  await expect(page.getByRole("region", { name: "Retries" })).toContainText(`${say(retryDelays[0]!)} after the first failed attempt, then ${say(retryDelays[1]!)} after the second`);
  await expect(page.getByRole("region", { name: "Automatic disable" })).toContainText(`After ${threshold} consecutive failed pushes`);
  for (const status of ["installed", "compliant", "non_compliant", "deleted"]) {
    await expect(page.getByRole("region", { name: "Status values" }).getByRole("cell", { name: status, exact: true })).toBeVisible();
  }

  const example = await page.getByRole("figure").filter({ hasText: "Inputs and expected result" }).locator("pre").innerText();
  const field = (name: string) => new RegExp(`^${name}\\s+(.+)$`, "m").exec(example)?.[1] ?? "";
  const key = Buffer.from(field("secret").replace(/^whsec_/, ""), "base64");
  const signed = `${field("webhook-id")}.${field("webhook-timestamp")}.${field("body")}`;
  expect(field("signed content")).toBe(signed);
  expect(field("webhook-signature")).toBe(`v1,${createHmac("sha256", key).update(signed).digest("base64")}`);
  await expect(page.getByRole("figure").filter({ hasText: "A push, as sent" })).toContainText(field("webhook-signature"));
});

test("every operation and callback of the OpenAPI document appears on the API reference", async ({ page, request }) => {
  const response = await request.get("/api/v1/openapi.json");
  expect(response.status()).toBe(200);
  const doc = (await response.json()) as OpenApiDocument;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })));
  expect(operations.length).toBeGreaterThan(0);

  await page.goto("/docs/api");
  await expect(page.getByRole("link", { name: "/api/v1/openapi.json" }).first()).toBeVisible();
  for (const { path, method, operation } of operations) {
    const block = page.locator(`section[data-operation-id="${operation.operationId}"]`);
    await expect(block, `${method.toUpperCase()} ${path}`).toHaveCount(1);
    await expect(block.getByRole("heading", { level: 3 })).toHaveText(operation.summary!);
    await expect(block.getByText(`/api/v1${path}`, { exact: true })).toBeVisible();
    await expect(block.getByText(method.toUpperCase(), { exact: true }).first()).toBeVisible();
    await expect(page.getByRole("navigation", { name: "On this page" }).locator(`a[href="#${operation.operationId}"]`)).toHaveCount(1);
  }
  const callbacks = Object.values(doc.webhooks ?? {}).flatMap((item) => METHODS.filter((method) => item[method]).map((method) => item[method]!));
  for (const callback of callbacks) {
    await expect(page.getByRole("region", { name: "Callbacks" }).getByRole("heading", { level: 3, name: callback.summary })).toBeVisible();
  }
});
