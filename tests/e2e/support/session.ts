// Signing in through the real form, as a person would.
import { expect, type Page } from "@playwright/test";

export async function signIn(page: Page, user: { email: string; password: string }, path = "/dashboard"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin/);
  await fillSignIn(page, user.email, user.password);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, "\\?")}$`));
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
