// Signing a console user in over HTTP as the sign-in form does: next-auth's CSRF token and cookie, then
// the credentials callback, which answers with the session cookie. Returns the Cookie header a browser
// would send on the console's pages afterwards. Failures name the step and status, never the password.
import { request } from "undici";

function cookiesOf(setCookie: string | string[] | undefined): string[] {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return lines.map((line) => line.split(";")[0]!);
}

export async function signInForCookie(consoleUrl: string, user: { email: string; password: string }): Promise<string> {
  const csrf = await request(`${consoleUrl}/api/auth/csrf`);
  if (csrf.statusCode !== 200) throw new Error(`sign-in of ${user.email}: GET /api/auth/csrf answered ${csrf.statusCode}`);
  const { csrfToken } = (await csrf.body.json()) as { csrfToken: string };
  const csrfCookies = cookiesOf(csrf.headers["set-cookie"]);

  const form = new URLSearchParams({ csrfToken, email: user.email, password: user.password, callbackUrl: `${consoleUrl}/dashboard`, json: "true" });
  const callback = await request(`${consoleUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.join("; ") },
    body: form.toString(),
  });
  await callback.body.dump();
  const session = cookiesOf(callback.headers["set-cookie"]).filter((cookie) => cookie.includes("session-token="));
  if (session.length === 0) throw new Error(`sign-in of ${user.email}: the credentials callback answered ${callback.statusCode} without a session cookie`);
  return session.join("; ");
}
