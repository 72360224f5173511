import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

// These tests walk through several pages each, with accessibility checks, on a shared machine.
test.describe.configure({ timeout: 120_000 });

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const owner = () => fixtures().users.tokensOwner;
const PAGE = "/settings/api-tokens";

function tokenRow(page: Page, name: string) {
  return page.getByTestId("token-row").filter({ hasText: name });
}

// Creates a token through the form and returns the value the page shows once.
async function createToken(page: Page, name: string, scopes: string[], expiry = "30"): Promise<string> {
  await page.goto(`${PAGE}?create=1`);
  await page.getByLabel("Name").fill(name);
  for (const scope of scopes) await page.getByLabel(scope, { exact: true }).check();
  await page.getByLabel("Expires after").selectOption(expiry);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  return (await page.getByTestId("new-token-value").textContent())!.trim();
}

function listDevices(request: APIRequestContext, token: string) {
  return request.get("/api/v1/devices", { headers: { Authorization: `Bearer ${token}` } });
}

test("an owner creates a token, sees it once, uses it over HTTP, revokes it, and it is refused", async ({ page, request }, testInfo) => {
  const name = `Deploy pipeline ${unique()}`;
  await signIn(page, owner(), PAGE);
  await page.getByRole("link", { name: "Create token" }).click();
  await expect(page).toHaveURL(/\/settings\/api-tokens\?create=1$/);
  await expect(page.getByLabel("Expires after")).toHaveValue("90");
  await expect(page.getByLabel("Expires after").getByRole("option")).toHaveText(["7 days", "30 days", "90 days", "365 days", "Never"]);
  await expect(page.getByText("Add devices, change their status and delete them")).toBeVisible();

  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Check the highlighted fields.");
  await expect(page.getByText("Enter a name that says what the token is for.")).toBeVisible();
  await expect(page.getByText("Choose at least one scope.")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-errors.png"), fullPage: true });

  const token = await createToken(page, name, ["devices:read", "logs:read"]);
  expect(token).toMatch(/^cwc_[A-Za-z0-9_-]{43}$/);
  const panel = page.getByTestId("new-token");
  await expect(panel).toBeFocused();
  await expect(panel).toContainText("It is shown only this once");
  await expect(panel).toContainText("Scopes: devices:read, logs:read.");
  await expect(page.getByTestId("new-token-example")).toContainText(`curl -H "Authorization: Bearer ${token}" ${testInfo.project.use.baseURL}/api/v1/devices`);
  const row = tokenRow(page, name);
  await expect(row.getByTestId("token-prefix")).toHaveText(`${token.slice(0, 10)}…`);
  await expect(row.getByTestId("token-scopes").getByRole("listitem")).toHaveText(["devices:read", "logs:read"]);
  await expect(row.getByTestId("token-state")).toHaveText("Active");
  await expect(row.getByTestId("token-created")).toContainText(`by ${owner().email}`);
  await expect(row.getByTestId("token-last-used")).toHaveText("Never");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-created.png"), fullPage: true });

  // The token works against this console over real HTTP.
  const ok = await listDevices(request, token);
  expect(ok.status()).toBe(200);
  expect(ok.headers()["content-type"]).toContain("application/json");
  expect(await ok.json()).toEqual({ data: [], next_cursor: null });

  // Shown once: gone after a reload and nowhere in the page's HTML; the list now shows its use.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token.slice(10));
  await expect(tokenRow(page, name).getByTestId("token-last-used")).toHaveText("just now");

  await tokenRow(page, name).getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(tokenRow(page, name).getByText(`Revoke “${name}” (${token.slice(0, 10)}…)?`)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-revoke-confirm.png"), fullPage: true });
  await tokenRow(page, name).getByRole("button", { name: "Cancel" }).click();
  await expect(tokenRow(page, name).getByRole("button", { name: `Revoke ${name}` })).toBeFocused();
  await tokenRow(page, name).getByRole("button", { name: `Revoke ${name}` }).click();
  await tokenRow(page, name).getByRole("button", { name: "Yes, revoke" }).click();
  await expect(tokenRow(page, name).getByTestId("form-message")).toHaveText(`Revoked “${name}”. Requests that use it are refused from now on.`);
  await expect(tokenRow(page, name).getByTestId("token-state")).toHaveText("Revoked");
  await expect(tokenRow(page, name).getByRole("button", { name: /^Revoke/ })).toHaveCount(0);

  const refused = await listDevices(request, token);
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toContain("application/problem+json");
  expect(await refused.json()).toMatchObject({ status: 401, code: "invalid_token" });

  await page.goto("/event-log/admin");
  await expect(page.getByRole("row", { name: /api_token\.created/ }).filter({ hasText: name })).toContainText(owner().email);
  await expect(page.getByRole("row", { name: /api_token\.revoked/ }).filter({ hasText: name })).toContainText(owner().email);
});

test("a viewer sees the tokens read-only, without create or revoke controls", async ({ page, browser }, testInfo) => {
  const name = `Viewer can see ${unique()}`;
  const ownerContext = await browser.newContext();
  const ownerPage = await ownerContext.newPage();
  await signIn(ownerPage, owner(), PAGE);
  await createToken(ownerPage, name, ["webhook:read"], "never");
  await ownerContext.close();

  await signIn(page, fixtures().users.tokensViewer, PAGE);
  await expect(page.getByTestId("read-only-notice")).toHaveText("You have read-only access. Owners and admins can create and revoke tokens.");
  const row = tokenRow(page, name);
  await expect(row.getByTestId("token-state")).toHaveText("Active");
  await expect(row.getByTestId("token-expires")).toHaveText("Never");
  await expect(page.getByRole("link", { name: "Create token" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("button")).toHaveCount(0);
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-viewer.png"), fullPage: true });

  // Asking for the form by its URL shows the list only.
  await page.goto(`${PAGE}?create=1`);
  await expect(page.getByLabel("Name")).toHaveCount(0);
  await expect(tokenRow(page, name)).toBeVisible();
});

test("without tokens, the page says what they are for and links the API reference", async ({ page }, testInfo) => {
  await signIn(page, fixtures().users.tokensFresh, PAGE);
  await expect(page.getByRole("heading", { name: "No API tokens yet" })).toBeVisible();
  await expect(page.getByText("An API token lets a script or another system")).toBeVisible();
  await expect(page.getByRole("link", { name: "API reference" }).first()).toHaveAttribute("href", "/docs/api");
  await expect(page.getByTestId("token-row")).toHaveCount(0);
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-empty.png"), fullPage: true });
  await page.getByRole("link", { name: "Create token" }).click();
  await expect(page.getByLabel("Name")).toBeVisible();
  await page.getByRole("link", { name: "Close" }).click();
  await expect(page.getByLabel("Name")).toHaveCount(0);
});

test("the tokens page works at 375 px and in the dark theme", async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  const noSideScroll = async () => expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, owner(), PAGE);
  await createToken(page, `Phone check ${unique()}`, ["devices:read", "devices:write", "webhook:read", "webhook:write", "logs:read"], "7");
  await noSideScroll();
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-375.png"), fullPage: true });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass("dark");
  const token = await createToken(page, `Dark check ${unique()}`, ["logs:read"], "never");
  await expect(page.getByTestId("new-token")).toContainText("Never expires.");
  await expect(page.getByTestId("new-token-example")).toContainText("lacks the devices:read scope");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-dark.png"), fullPage: true });
  expect(token).toMatch(/^cwc_/);

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(PAGE);
  await noSideScroll();
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/api-tokens-dark-375.png"), fullPage: true });
  expect(consoleErrors).toEqual([]);
});
