// Auth hardening as an attacker or an auditor would check it against the real server: the sign-in
// lockout (for unknown emails too), the session cookie's flags over http and behind https, Next's
// Origin check on server actions, and secrets (password, API key, signing secret, API token) that
// never appear in any page, API answer, error or line of the server's log.
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../support/receiver";
import { startConsole, type ConsoleProcess } from "./support/console-process";
import { fillSignIn, signIn } from "./support/session";
import { createTenants, type Tenant } from "./support/tenants";

test.describe.configure({ timeout: 120_000 });

let receiver: Receiver;
let a: Tenant;
test.beforeAll(async () => {
  receiver = await startReceiver();
  // A careless vendor: its answer repeats the key it was sent (stored and shown in the Event Log).
  receiver.handle((request, response) => void response.writeHead(200, { "content-type": "text/plain" }).end(`accepted for key ${request.headers.authorization}`));
  ({ a } = createTenants({ callbackUrl: receiver.url, apiKey: `known-api-key-${Date.now().toString(36)}` }));
});
test.afterAll(() => receiver?.close());

// "name=value; Path=/; HttpOnly; …" → the name and its attributes, lower-cased.
function parseSetCookie(header: string) {
  const [pair, ...attributes] = header.split(";").map((part) => part.trim());
  return { name: pair!.slice(0, pair!.indexOf("=")), attributes: attributes.map((attribute) => attribute.toLowerCase()) };
}

// Signs in the way the sign-in form does (next-auth's CSRF token, then the credentials callback) and
// returns every cookie the server set.
async function signInWithFetch(baseUrl: string, user: { email: string; password: string }) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookies = csrf.headers.getSetCookie();
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies.map((cookie) => cookie.split(";")[0]).join("; ") },
    body: new URLSearchParams({ email: user.email, password: user.password, csrfToken, callbackUrl: `${baseUrl}/dashboard`, json: "true" }),
  });
  return [...csrfCookies, ...response.headers.getSetCookie()].map(parseSetCookie);
}

test.describe("brute-force lockout", () => {
  test("an unknown email is locked after ten failures with the same words as a known one: the lockout reveals no accounts", async ({ page }) => {
    const email = `nobody.${Date.now()}@unknown.test`;
    await page.goto("/signin");
    for (let attempt = 1; attempt <= 9; attempt++) {
      await fillSignIn(page, email, `guess-${attempt}`);
      await expect(page.getByTestId("signin-error")).toHaveText("The email or password is incorrect.");
    }
    await fillSignIn(page, email, "guess-10");
    await expect(page.getByTestId("signin-error")).toContainText("Too many failed sign-ins for this email. Sign-in is paused for 15 minutes");
    // Another email is not affected.
    await fillSignIn(page, a.email, a.password);
    await expect(page).toHaveURL(/\/dashboard$/);
  });
});

test.describe("session cookie", () => {
  test("over http: HttpOnly, SameSite=Lax, not Secure (a browser would drop a Secure cookie on http)", async ({ page, baseURL }) => {
    await signIn(page, a);
    const session = (await page.context().cookies()).find((cookie) => cookie.name === "next-auth.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
    // The same answer as the raw Set-Cookie header.
    const cookies = await signInWithFetch(baseURL!, a);
    const raw = cookies.find((cookie) => cookie.name === "next-auth.session-token")!;
    expect(raw.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
    expect(raw.attributes).not.toContain("secure");
  });

  test("behind https (NEXTAUTH_URL=https://…): the session and CSRF cookies are Secure, __Secure-/__Host- prefixed, HttpOnly, SameSite=Lax", async () => {
    const server = await startConsole({ publicUrl: (port) => `https://127.0.0.1:${port}` });
    try {
      const cookies = await signInWithFetch(server.url, a);
      const session = cookies.find((cookie) => cookie.name === "__Secure-next-auth.session-token");
      expect(session, `cookies set: ${cookies.map((cookie) => cookie.name).join(", ")}`).toBeDefined();
      expect(session!.attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
      const csrf = cookies.find((cookie) => cookie.name === "__Host-next-auth.csrf-token");
      expect(csrf!.attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax"]));
      expect(cookies.filter((cookie) => !cookie.attributes.includes("secure")).map((cookie) => cookie.name)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

test.describe("server actions refuse a foreign Origin", () => {
  // The theme switch in the user menu is a plain form bound to a server action: without JavaScript a
  // browser posts it to the page with the action's id, which is what a cross-site form would do.
  async function postThemeAction(page: Page, origin: string): Promise<APIResponse> {
    const html = await (await page.request.get("/dashboard")).text();
    const actionField = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
    expect(actionField, "the theme form carries its action id").toBeDefined();
    return page.request.post("/dashboard", { headers: { origin }, multipart: { [actionField!]: "", theme: "dark" }, maxRedirects: 0 });
  }
  const setsTheme = (response: APIResponse) => response.headersArray().some((header) => header.name.toLowerCase() === "set-cookie" && header.value.startsWith("theme="));

  test("a signed-in user's action posted from another site is refused; from the console's own origin it runs", async ({ page, baseURL }) => {
    await signIn(page, a);
    const forged = await postThemeAction(page, "https://evil.example");
    expect(forged.status()).toBeGreaterThanOrEqual(400);
    expect(setsTheme(forged)).toBe(false);
    expect((await page.context().cookies()).find((cookie) => cookie.name === "theme")).toBeUndefined();

    const genuine = await postThemeAction(page, new URL(baseURL!).origin);
    expect(genuine.status()).toBeLessThan(400);
    expect(setsTheme(genuine)).toBe(true);
  });
});

test.describe("secrets never in pages, API answers, errors or logs", () => {
  let server: ConsoleProcess;
  test.beforeAll(async () => {
    // The most verbose log level: whatever the console would ever log is captured.
    server = await startConsole({ publicUrl: (port) => `http://127.0.0.1:${port}`, env: { LOG_LEVEL: "trace" } });
  });
  test.afterAll(() => server?.stop());

  test("a session through the console and a script through the API leave the password, API key, signing secret and token nowhere", async ({ browser }) => {
    const secrets = { password: a.password, apiKey: a.apiKey, signingSecret: a.signingSecret, signingKey: a.signingSecret.replace(/^whsec_/, ""), token: a.token };
    const bodies: { url: string; text: string }[] = [];
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    page.on("response", async (response) => {
      const type = response.headers()["content-type"] ?? "";
      if (!/text|json|javascript|x-component/.test(type)) return;
      const text = await response.text().catch(() => "");
      bodies.push({ url: response.url(), text: `${JSON.stringify(response.headers())}\n${text}` });
    });

    // The console: a failed and a good sign-in, then every page that shows the webhook, its pushes and tokens.
    await page.goto("/signin");
    await fillSignIn(page, a.email, `${a.password}x`);
    await expect(page.getByTestId("signin-error")).toBeVisible();
    await signIn(page, a);
    const deliveredPush = await waitForPushTo(receiver, "/alpha");
    for (const path of ["/dashboard", "/devices", `/devices/${encodeURIComponent(a.device.deviceId)}`, "/event-log/webhook", `/event-log/webhook/${deliveredPush}`, "/event-log/admin", "/settings/integrations/webhook", "/settings/api-tokens"]) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(200);
    }
    const csv = await page.request.get("/api/event-log/webhook.csv");
    bodies.push({ url: "webhook.csv", text: await csv.text() });

    // The API: reads, a test push, and errors that might echo what was sent.
    const api = async (method: string, path: string, init: { token?: string; authorization?: string; body?: unknown } = {}) => {
      const response = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { authorization: init.authorization ?? `Bearer ${init.token ?? a.token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const text = await response.text();
      bodies.push({ url: `${method} ${path}`, text: `${JSON.stringify([...response.headers])}\n${text}` });
      return response.status;
    };
    expect(await api("GET", "/integrations/webhook")).toBe(200);
    expect(await api("GET", "/logs/webhook")).toBe(200);
    expect(await api("GET", `/logs/webhook/${deliveredPush}`)).toBe(200);
    // Sends the stored key from the web process; its answer (whatever the status) is scanned below.
    await api("POST", "/integrations/webhook/test");
    expect(await api("GET", "/logs/admin")).toBe(200);
    expect(await api("PUT", "/integrations/webhook", { body: { callback_url: "not a url", api_key: a.apiKey, events: ["compliant"], enabled: true } })).toBe(422);
    expect(await api("PUT", "/integrations/webhook", { body: { callback_url: "http://169.254.169.254/latest", api_key: a.apiKey, events: ["compliant"], enabled: true } })).toBeGreaterThanOrEqual(400);
    expect(await api("GET", "/devices", { token: `${a.token}tampered` })).toBe(401);
    expect(await api("GET", "/devices", { authorization: `Token ${a.token}` })).toBe(401);
    expect(await api("GET", "/devices", { authorization: `Basic ${Buffer.from(`${a.email}:${a.password}`).toString("base64")}` })).toBe(401);

    await context.close();
    // Give the server's logger a moment to flush the last lines.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(bodies.length).toBeGreaterThan(20);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length).toBeGreaterThan(8);
      const leaks = bodies.filter((body) => body.text.includes(secret)).map((body) => body.url);
      expect(leaks, `${name} appears in these answers`).toEqual([]);
      expect(server.output().includes(secret), `${name} appears in the server's log`).toBe(false);
    }
    // The capture did see the server's log (trace level logs the dispatcher's work).
    expect(server.output()).toContain('"level"');
    // And the vendor did get the key: the one place it belongs.
    expect(receiver.requests.some((request) => request.headers.authorization === a.apiKey)).toBe(true);
  });
});

// The webhook-id of the first push the receiver got at a path (the console's dispatcher sends it).
async function waitForPushTo(receiver: Receiver, pathSuffix: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const request = receiver.requests.find((candidate) => candidate.path.endsWith(pathSuffix));
    if (request) return String(request.headers["webhook-id"]);
    if (Date.now() > deadline) throw new Error(`no push reached ${pathSuffix}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
