import { expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { signIn } from "./support/session";

test("a viewer cannot open the users page", async ({ page }) => {
  await signIn(page, fixtures().users.viewer);
  await page.goto("/settings/users");
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByText(fixtures().users.owner.email)).toHaveCount(0);
});

test("a viewer sees account settings read-only and a forged submit is refused", async ({ page }) => {
  await signIn(page, fixtures().users.viewer, "/settings/account");
  const name = page.getByLabel("Account name");
  await expect(name).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  await expect(page.getByText("You have read-only access.")).toBeVisible();

  // Forge the submission: re-enable the controls in the page and send the server action anyway.
  await page.evaluate(() => {
    document.querySelectorAll("input, button").forEach((element) => element.removeAttribute("disabled"));
  });
  await name.fill("Taken Over");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Only owners and admins can change settings. Your role is read-only.");

  await page.reload();
  await expect(page.getByTestId("account-name")).toHaveText("Acme Health");
});

test("an admin renames the account; the header and the admin log show it", async ({ page }) => {
  const { admin } = fixtures().users;
  await signIn(page, admin, "/settings/account");
  const name = page.getByLabel("Account name");

  await name.fill(" ");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter at least 2 characters.")).toBeVisible();
  await expect(name).toHaveAttribute("aria-invalid", "true");

  await name.fill("Acme Health Group");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Account name saved.");
  await expect(page.getByTestId("account-name")).toHaveText("Acme Health Group");

  await page.goto("/event-log/admin");
  const row = page.getByRole("row", { name: /account\.renamed/ });
  await expect(row).toContainText(admin.email);
  await expect(row).toContainText("before: Acme Health, after: Acme Health Group");

  // Put the name back for the other tests.
  await page.goto("/settings/account");
  await page.getByLabel("Account name").fill("Acme Health");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Account name saved.");
});
