// Signing in through the real form, as a person would. A user's first sign-in in a test run goes
// through the form; later ones reuse the session cookies it earned (Playwright's usual way to keep a
// suite fast), falling back to the form when that session no longer lets them in.
import { expect, type BrowserContext, type Page } from "@playwright/test";

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;
const sessions = new Map<string, Cookies>();

const pathPattern = (path: string) => new RegExp(`${path.replace(/[?]/g, "\\?")}$`);

export async function signIn(page: Page, user: { email: string; password: string }, path = "/dashboard"): Promise<void> {
  const earned = sessions.get(user.email);
  if (earned) {
    await page.context().addCookies(earned);
    await page.goto(path);
    if (pathPattern(path).test(page.url())) return;
    sessions.delete(user.email);
    await page.context().clearCookies();
  }
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin/);
  await fillSignIn(page, user.email, user.password);
  await expect(page).toHaveURL(pathPattern(path));
  sessions.set(user.email, (await page.context().cookies()).filter((cookie) => cookie.name.endsWith("session-token")));
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
