import { expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";
import { fillSignIn, signIn } from "./support/session";

test("a signed-out visit to a console page redirects to sign-in and back after it", async ({ page }) => {
  const { owner } = fixtures().users;
  await page.goto("/devices?status=compliant");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdevices%3Fstatus%3Dcompliant$/);
  await expect(page.getByRole("heading", { name: "Sign in to Compliance Webhooks" })).toBeVisible();
  await fillSignIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/devices\?status=compliant$/);
  await expect(page.getByRole("heading", { name: "Devices", level: 1 })).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveText("Acme Health");
});

test("a wrong password gets a clear message and no session", async ({ page }) => {
  const { admin } = fixtures().users;
  await page.goto("/signin");
  await fillSignIn(page, admin.email, "not-the-password");
  await expect(page.getByTestId("signin-error")).toHaveText("The email or password is incorrect.");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin/);
});

test("an unknown email gets the same message as a wrong password", async ({ page }) => {
  await page.goto("/signin");
  await fillSignIn(page, "nobody@nowhere.test", "whatever-password");
  await expect(page.getByTestId("signin-error")).toHaveText("The email or password is incorrect.");
});

test("ten failed sign-ins in a row lock the email for 15 minutes, even with the right password", async ({ page }) => {
  const { lockout } = fixtures().users;
  await page.goto("/signin");
  for (let attempt = 1; attempt <= 9; attempt++) {
    await fillSignIn(page, lockout.email, `wrong-${attempt}`);
    await expect(page.getByTestId("signin-error")).toHaveText("The email or password is incorrect.");
  }
  await fillSignIn(page, lockout.email, "wrong-10");
  await expect(page.getByTestId("signin-error")).toContainText("Too many failed sign-ins for this email");
  await expect(page.getByTestId("signin-error")).toContainText("15 minutes");
  await fillSignIn(page, lockout.email, lockout.password);
  await expect(page.getByTestId("signin-error")).toContainText("Too many failed sign-ins for this email");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin/);
});

test("sign in and sign out", async ({ page }) => {
  const { signout } = fixtures().users;
  await signIn(page, signout);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByTestId("user-menu").click();
  await expect(page.getByText(signout.email, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/devices");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdevices$/);
});
