import { expect, test, type Browser, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations } from "./support/axe";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

// These tests walk through several pages each, with accessibility checks, on a shared machine.
test.describe.configure({ timeout: 120_000 });

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const owner = () => fixtures().users.usersOwner;
const admin = () => fixtures().users.usersAdmin;

function userRow(page: Page, email: string) {
  return page.getByTestId("user-row").filter({ hasText: email });
}

// Adds a user through the form and returns the first password the page shows once.
async function addUser(page: Page, user: { email: string; name: string; role: "Owner" | "Admin" | "Viewer" }): Promise<string> {
  await page.goto("/settings/users?add=1");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Role", { exact: true }).selectOption(user.role.toLowerCase());
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("first-password")).toBeVisible();
  return (await page.getByTestId("first-password-value").textContent())!.trim();
}

async function signInElsewhere(browser: Browser, user: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, user);
  return { context, page };
}

test("an owner adds a user; the first password is shown once and signs in", async ({ page, browser }, testInfo) => {
  const email = `nora.${unique()}@people.test`;
  await signIn(page, owner(), "/settings/users");
  await page.getByRole("link", { name: "Add user" }).click();
  await expect(page.getByLabel("Role", { exact: true }).getByRole("option")).toHaveText([/^Owner:/, /^Admin:/, /^Viewer:/]);

  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Enter a name.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
  await page.getByLabel("Email").fill(admin().email);
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText("A user with this email already exists.")).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-add-errors.png"), fullPage: true });

  const password = await addUser(page, { email, name: "Nora New", role: "Admin" });
  expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
  await expect(page.getByTestId("first-password")).toBeFocused();
  await expect(page.getByTestId("first-password")).toContainText("It is shown only now");
  await expect(userRow(page, email).getByTestId("user-role")).toHaveText("Admin");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-first-password.png"), fullPage: true });

  // Shown once: gone after a reload, and nowhere in the page's HTML.
  await page.reload();
  await expect(page.getByTestId("first-password")).toHaveCount(0);
  expect(await page.content()).not.toContain(password);

  const { context, page: newPage } = await signInElsewhere(browser, { email, password });
  await expect(newPage.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(newPage.getByTestId("account-name")).toHaveText("People Inc");
  await context.close();

  await page.goto("/event-log/admin");
  await expect(page.getByRole("row", { name: /user\.created/ }).filter({ hasText: email })).toContainText(owner().email);
});

test("an owner changes a user's role and removes them; both are audited and the removed user is signed out", async ({ page, browser }, testInfo) => {
  const email = `rita.${unique()}@people.test`;
  await signIn(page, owner(), "/settings/users");
  const password = await addUser(page, { email, name: "Rita Role", role: "Viewer" });
  const { context, page: ritaPage } = await signInElsewhere(browser, { email, password });

  const row = userRow(page, email);
  await row.getByLabel("Role of Rita Role").selectOption("admin");
  await row.getByRole("button", { name: "Change role of Rita Role" }).click();
  await expect(row.getByTestId("form-message")).toHaveText("Role changed to admin.");
  await expect(row.getByTestId("user-role")).toHaveText("Admin");

  await row.getByRole("button", { name: "Remove Rita Role" }).click();
  await expect(row.getByText(`Remove Rita Role (${email})?`)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-remove-confirm.png"), fullPage: true });
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row.getByRole("button", { name: "Remove Rita Role" })).toBeFocused();
  await row.getByRole("button", { name: "Remove Rita Role" }).click();
  await row.getByRole("button", { name: "Yes, remove" }).click();
  await expect(page.getByTestId("removal-message")).toHaveText(`Removed ${email}. They can no longer sign in.`);
  await expect(userRow(page, email)).toHaveCount(0);

  // Authority comes from the database: the removed user's open session ends on their next request.
  await ritaPage.goto("/devices");
  await expect(ritaPage).toHaveURL(/\/signin/);
  await context.close();

  await page.goto("/event-log/admin");
  await expect(page.getByRole("row", { name: /user\.role_changed/ }).filter({ hasText: email })).toContainText("before: viewer, after: admin");
  await expect(page.getByRole("row", { name: /user\.removed/ }).filter({ hasText: email })).toContainText(owner().email);
});

test("the last owner cannot step down, and nobody can remove themselves", async ({ page }) => {
  await signIn(page, owner(), "/settings/users");
  const self = userRow(page, owner().email);
  await expect(self).toContainText("(you)");
  await expect(self.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await self.getByLabel(`Role of ${owner().name}`).selectOption("admin");
  await self.getByRole("button", { name: /^Change role/ }).click();
  await expect(self.getByTestId("form-message")).toHaveText("An account needs at least one owner. Make another user an owner first.");
  await page.reload();
  await expect(userRow(page, owner().email).getByTestId("user-role")).toHaveText("Owner");
});

test("an admin cannot make owners: no owner choice, owners untouchable, a forged promotion refused", async ({ page }, testInfo) => {
  const email = `vic.${unique()}@people.test`;
  await signIn(page, admin(), "/settings/users?add=1");
  await expect(page.getByLabel("Role", { exact: true }).getByRole("option")).toHaveText([/^Admin:/, /^Viewer:/]);
  await expect(page.getByText("Only owners can add owners.")).toBeVisible();
  await addUser(page, { email, name: "Vic Viewer", role: "Viewer" });

  await expect(userRow(page, owner().email)).toContainText("Only owners can change or remove an owner.");
  await expect(userRow(page, owner().email).getByRole("button")).toHaveCount(0);
  const row = userRow(page, email);
  await expect(row.getByLabel("Role of Vic Viewer").getByRole("option")).toHaveText(["Admin", "Viewer"]);

  // Forge the choice in the page and submit it anyway: the server refuses.
  await row.getByLabel("Role of Vic Viewer").evaluate((select) => {
    const option = document.createElement("option");
    option.value = "owner";
    option.textContent = "Owner";
    select.append(option);
  });
  await row.getByLabel("Role of Vic Viewer").selectOption("owner");
  await row.getByRole("button", { name: "Change role of Vic Viewer" }).click();
  await expect(row.getByTestId("form-message")).toHaveText("Only owners can add, promote, demote or remove owners.");
  await page.reload();
  await expect(userRow(page, email).getByTestId("user-role")).toHaveText("Viewer");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-admin-view.png"), fullPage: true });
});

test("the users page works at 375 px and in the dark theme", async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, owner(), "/settings/users");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-375.png"), fullPage: true });
  await page.goto("/settings/users?add=1");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-add-375.png"), fullPage: true });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("user-menu").click();
  await page.getByRole("button", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass("dark");
  await page.goto("/settings/users");
  await expectNoSeriousAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("screenshots/users-dark.png"), fullPage: true });
  expect(consoleErrors).toEqual([]);
});
