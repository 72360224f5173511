// Tenant isolation over the whole route table: for every route handler and server action the app
// defines, account A (an owner's session, or an all-scopes API token) asks for, changes or filters by
// account B's objects. The answer is a 404 (API) or "not in this account" (forms), never B's data,
// and B's rows read back unchanged. The table of cases is keyed by the app's own route files, so a new
// route or action without a case fails the first test.
//
// Stand-ins (nothing of the data layer): next/headers answers with a real session cookie of A's owner
// (tests/support/session-cookie.ts), which lib/auth/session.ts decodes as in a Next server, and
// revalidatePath (Next's page cache, which needs a running Next server) records its calls instead.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { encodeCursor } from "@/lib/api/cursor";
import { DEVICE_STATUSES } from "@/lib/contract/statuses";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { addUserToAccount, createUserWithAccount } from "@/lib/users";
import { publishPushChange } from "@/lib/webhooks/live";
import { redeliverPush } from "@/lib/webhooks/pushes";
import { saveWebhookSettings } from "@/lib/webhooks/settings";
import { apiToken, callApi, type ApiAnswer } from "../support/api";
import { eventually, startReceiver, type Receiver } from "../support/receiver";
import { APP_ROOT, appRouteFiles, HTTP_METHODS, OBJECT_SEGMENT } from "../support/route-table";
import { signInAs } from "../support/session-cookie";
import { testDispatcher } from "../support/webhook-fixtures";

vi.mock("next/headers", async (importOriginal) => (await import("../support/session-cookie")).nextHeadersWithSession(await importOriginal()));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<typeof import("next/cache")>()), revalidatePath: vi.fn() }));

type Module = Record<string, unknown>;
type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Action = (previous: unknown, formData?: FormData) => Promise<{ status?: string; message?: string; fieldErrors?: Record<string, string[]> } & Record<string, unknown>>;

// What account B has, and the markers that must never reach account A.
const B_API_KEY = "bravo-vendor-key-5d1e9c";
const B_DEVICE = { deviceId: "BRAVO-LAPTOP-1", name: "Bravo-only laptop", platform: "BravoOS 7" };
// A second device of B that A never creates, for the console's forms.
const B_TABLET = { deviceId: "BRAVO-TABLET-2", name: "Bravo-only tablet", platform: "BravoOS 7" };
let receiver: Receiver;
let a: { accountId: string; userId: string; token: string };
let b: { accountId: string; accountName: string; viewerId: string; viewerEmail: string; tokenId: string; token: string; pushId: string; signingSecret: string };
const bMarkers = () => [b.accountName, B_DEVICE.name, B_TABLET.name, B_DEVICE.platform, b.viewerEmail, B_API_KEY, b.signingSecret, b.pushId, "/bravo-hooks"];

// Everything of B that any route could change, read straight from the database.
async function snapshotB() {
  const accountId = b.accountId;
  const [account, devices, events, pushes, notifications, audit, users, tokens, webhook] = await Promise.all([
    db.account.findUniqueOrThrow({ where: { id: accountId } }),
    db.device.findMany({ where: { accountId }, orderBy: { deviceId: "asc" } }),
    db.deviceEvent.count({ where: { accountId } }),
    db.push.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { id: true, state: true, kind: true, attemptCount: true } }),
    db.notification.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { id: true, state: true, pushId: true } }),
    db.auditLog.count({ where: { accountId } }),
    db.user.findMany({ where: { accountId }, orderBy: { email: "asc" }, select: { id: true, email: true, role: true } }),
    db.apiToken.findMany({ where: { accountId }, orderBy: { id: "asc" }, select: { id: true, revokedAt: true, name: true } }),
    db.webhookIntegration.findUniqueOrThrow({ where: { accountId } }),
  ]);
  return { account, devices, events, pushes, notifications, audit, users, tokens, webhook };
}

function expectNoDataOfB(text: string) {
  for (const marker of bMarkers()) expect(text, `answer leaks "${marker}"`).not.toContain(marker);
}

function expectNotFoundProblem(answer: ApiAnswer) {
  expect(answer.status).toBe(404);
  expect(answer.headers.get("content-type")).toContain("application/problem+json");
  expect(answer.body).toMatchObject({ status: 404 });
  expectNoDataOfB(answer.text);
}

// Runs one case as A and checks that B reads back exactly as before.
async function leavesBUnchanged(run: () => Promise<void>) {
  const before = await snapshotB();
  await run();
  expect(await snapshotB()).toEqual(before);
}

const modules = new Map<string, Module>();
const load = async (file: string) => {
  if (!modules.has(file)) modules.set(file, (await import(`${APP_ROOT}/${file}`)) as Module);
  return modules.get(file)!;
};

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

// The console's session routes are called like the browser calls them, on any origin.
async function callSessionRoute(handler: Handler, url: string) {
  const controller = new AbortController();
  const response = await handler(new Request(`http://127.0.0.1${url}`, { signal: controller.signal }), { params: Promise.resolve({}) });
  return { response, controller };
}

type Case = (module: Module) => Promise<void>;
type Expectation = Case | { reason: string };

// A's token (or session) on B's ids. Keys: "<METHOD> <path>" for route handlers, "action <path> <export>"
// for server actions, "page <path>" for pages.
const API: Record<string, Expectation> = {
  "GET /api/v1/devices/[device_id]": async (m) => {
    expectNotFoundProblem(await callApi(m.GET as Handler, { path: `/devices/${B_DEVICE.deviceId}`, token: a.token, params: { device_id: B_DEVICE.deviceId } }));
  },
  "DELETE /api/v1/devices/[device_id]": (m) =>
    leavesBUnchanged(async () => {
      expectNotFoundProblem(await callApi(m.DELETE as Handler, { method: "DELETE", path: `/devices/${B_DEVICE.deviceId}`, token: a.token, params: { device_id: B_DEVICE.deviceId } }));
    }),
  "GET /api/v1/devices/[device_id]/events": async (m) => {
    expectNotFoundProblem(await callApi(m.GET as Handler, { path: `/devices/${B_DEVICE.deviceId}/events`, token: a.token, params: { device_id: B_DEVICE.deviceId } }));
  },
  "POST /api/v1/devices/[device_id]/status": (m) =>
    leavesBUnchanged(async () => {
      const answer = await callApi(m.POST as Handler, { method: "POST", path: `/devices/${B_DEVICE.deviceId}/status`, token: a.token, params: { device_id: B_DEVICE.deviceId }, body: { status: "non_compliant" } });
      expectNotFoundProblem(answer);
    }),
  "GET /api/v1/logs/webhook/[push_id]": async (m) => {
    const answer = await callApi(m.GET as Handler, { path: `/logs/webhook/${b.pushId}`, token: a.token, params: { push_id: b.pushId } });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    // The asked id may be echoed; nothing else of B may be.
    for (const marker of bMarkers().filter((marker) => marker !== b.pushId)) expect(answer.text).not.toContain(marker);
    expect(answer.text).not.toContain(B_DEVICE.deviceId);
  },
  "POST /api/v1/logs/webhook/[push_id]/redeliver": (m) =>
    leavesBUnchanged(async () => {
      const answer = await callApi(m.POST as Handler, { method: "POST", path: `/logs/webhook/${b.pushId}/redeliver`, token: a.token, params: { push_id: b.pushId } });
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain(B_DEVICE.deviceId);
    }),
  "GET /api/v1/devices": async (m) => {
    for (const query of [`?q=${B_DEVICE.deviceId}`, `?q=Bravo`, `?cursor=${encodeCursor({ after: B_DEVICE.deviceId })}`, ""]) {
      const answer = await callApi(m.GET as Handler, { path: `/devices${query}`, token: a.token });
      expect(answer.status, query).toBe(200);
      expect(answer.text).not.toContain(B_DEVICE.deviceId);
      expectNoDataOfB(answer.text);
    }
  },
  "POST /api/v1/devices": (m) =>
    leavesBUnchanged(async () => {
      // The same vendor-facing id in another account is another device.
      const answer = await callApi(m.POST as Handler, { method: "POST", path: "/devices", token: a.token, body: { device_id: B_DEVICE.deviceId, name: "Alpha laptop", platform: "Linux" } });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ device_id: B_DEVICE.deviceId, name: "Alpha laptop", status: "installed" });
      expect(await db.device.count({ where: { deviceId: B_DEVICE.deviceId } })).toBe(2);
    }),
  "GET /api/v1/logs/webhook": async (m) => {
    for (const query of [`?device_id=${B_DEVICE.deviceId}`, `?cursor=${encodeCursor({ before: b.pushId })}`, ""]) {
      const answer = await callApi(m.GET as Handler, { path: `/logs/webhook${query}`, token: a.token });
      expect(answer.status, query).toBe(200);
      expectNoDataOfB(answer.text);
    }
  },
  "GET /api/v1/logs/devices": async (m) => {
    for (const query of [`?device_id=${B_DEVICE.deviceId}`, `?device_id=${B_TABLET.deviceId}`, ""]) {
      const answer = await callApi(m.GET as Handler, { path: `/logs/devices${query}`, token: a.token });
      expect(answer.status, query).toBe(200);
      expectNoDataOfB(answer.text);
      // B's history (its non_compliant change, its tablet) never shows; A's own device of the same id may.
      expect(answer.text).not.toContain(B_TABLET.deviceId);
      expect(answer.body.data.filter((event: { status: string }) => event.status === "non_compliant")).toEqual([]);
    }
  },
  "GET /api/v1/logs/admin": async (m) => {
    const answer = await callApi(m.GET as Handler, { path: "/logs/admin", token: a.token });
    expect(answer.status).toBe(200);
    expectNoDataOfB(answer.text);
  },
  "GET /api/v1/status-changes": async (m) => {
    const answer = await callApi(m.GET as Handler, { path: "/status-changes", token: a.token });
    expect(answer.status).toBe(200);
    expect(answer.body.data.filter((change: { status: string }) => change.status === "non_compliant")).toEqual([]);
    expectNoDataOfB(answer.text);
  },
  "GET /api/v1/integrations/webhook": async (m) => {
    const answer = await callApi(m.GET as Handler, { path: "/integrations/webhook", token: a.token });
    expect(answer.status).toBe(200);
    expectNoDataOfB(answer.text);
  },
  "PUT /api/v1/integrations/webhook": (m) =>
    leavesBUnchanged(async () => {
      const answer = await callApi(m.PUT as Handler, { method: "PUT", path: "/integrations/webhook", token: a.token, body: { callback_url: `${receiver.url}/alpha`, events: [...DEVICE_STATUSES], enabled: false } });
      expect(answer.status).toBe(200);
      expectNoDataOfB(answer.text);
    }),
  "POST /api/v1/integrations/webhook/enable": (m) =>
    leavesBUnchanged(async () => {
      const answer = await callApi(m.POST as Handler, { method: "POST", path: "/integrations/webhook/enable", token: a.token, body: { deliver_held: true } });
      expect(answer.status).toBe(200);
      expectNoDataOfB(answer.text);
    }),
  "POST /api/v1/integrations/webhook/rotate-secret": (m) =>
    leavesBUnchanged(async () => {
      const answer = await callApi(m.POST as Handler, { method: "POST", path: "/integrations/webhook/rotate-secret", token: a.token });
      expect(answer.status).toBe(200);
      expectNoDataOfB(answer.text);
    }),
  "POST /api/v1/integrations/webhook/test": (m) =>
    leavesBUnchanged(async () => {
      const seen = receiver.requests.length;
      const answer = await callApi(m.POST as Handler, { method: "POST", path: "/integrations/webhook/test", token: a.token });
      expect(answer.status).toBe(200);
      expectNoDataOfB(answer.text);
      // The test push went to A's URL with A's key.
      const sent = receiver.requests.slice(seen);
      expect(sent.length).toBeGreaterThan(0);
      for (const request of sent) {
        expect(request.path).not.toContain("bravo");
        expect(request.headers.authorization).not.toBe(B_API_KEY);
      }
    }),
  "GET /api/v1/openapi.json": async (m) => expectNoDataOfB(await (await (m.GET as () => Response)()).text()),
  ...Object.fromEntries(
    ["GET", "POST", "PUT", "PATCH", "DELETE"].map((method) => [
      `${method} /api/v1/[...path]`,
      (async (m) => {
        const answer = await callApi(m[method] as Handler, { method, path: `/devices/${B_DEVICE.deviceId}/anything`, token: a.token });
        expectNotFoundProblem(answer);
      }) satisfies Case,
    ]),
  ),
  "GET /api/health": async (m) => expectNoDataOfB(await (await (m.GET as () => Promise<Response>)()).text()),
  "GET /api/metrics": async (m) => expectNoDataOfB(await (await (m.GET as () => Promise<Response>)()).text()),
  "GET /api/auth/[...nextauth]": { reason: "next-auth's sign-in endpoints: no account objects; covered by tests/e2e/auth-security.spec.ts" },
  "POST /api/auth/[...nextauth]": { reason: "next-auth's sign-in endpoints: no account objects; covered by tests/e2e/auth-security.spec.ts" },
  "GET /api/event-log/webhook.csv": async (m) => {
    for (const query of [`?device=${B_DEVICE.deviceId}`, ""]) {
      const { response } = await callSessionRoute(m.GET as Handler, `/api/event-log/webhook.csv${query}`);
      expect(response.status).toBe(200);
      const csv = await response.text();
      expect(csv.split("\n")[0]).toMatch(/^time,webhook_id,/);
      expectNoDataOfB(csv);
    }
  },
  "GET /api/event-log/webhook/stream": async (m) => {
    const { response, controller } = await callSessionRoute(m.GET as Handler, "/api/event-log/webhook/stream");
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // A read left pending by a timeout is carried over, so no chunk is lost between calls.
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
    const readFor = async (ms: number) => {
      let text = "";
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now()))]);
        if (!chunk) break;
        pending = null;
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
      return text;
    };
    expect(await readFor(300)).toContain(": connected");
    // A change in B's log (a real redelivery of B's push, by B) is not announced on A's stream…
    await redeliverPush(b.accountId, b.pushId, "owner@bravo.test");
    const afterB = await readFor(800);
    expect(afterB).not.toContain("event: change");
    expectNoDataOfB(afterB);
    // …while a change in A's is (the stream does carry changes).
    publishPushChange(a.accountId);
    expect(await readFor(800)).toContain("event: change");
    controller.abort();
    await reader.cancel().catch(() => undefined);
  },
};

const NOT_IN_ACCOUNT = /not in this account|does not exist in this account/;

const ACTIONS: Record<string, Expectation> = {
  "action / setThemeAction": { reason: "sets the caller's theme cookie; reads and writes no account data" },
  "action /devices/[deviceId] changeDeviceStatusAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.changeDeviceStatusAction as Action)({ status: "idle" }, form({ deviceId: B_TABLET.deviceId, status: "compliant" }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    }),
  "action /devices/[deviceId] deleteDeviceAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.deleteDeviceAction as Action)({ status: "idle" }, form({ deviceId: B_TABLET.deviceId }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    }),
  "action /devices addDeviceAction": (m) =>
    leavesBUnchanged(async () => {
      // B's device id in A's form is a new device of A's; B's stays B's.
      const state = await (m.addDeviceAction as Action)({ status: "idle" }, form({ deviceId: B_TABLET.deviceId, name: "Alpha tablet", platform: "iOS" }));
      expect(state.status, JSON.stringify(state)).toBe("success");
      expect(await db.device.findFirst({ where: { accountId: a.accountId, deviceId: B_TABLET.deviceId } })).toMatchObject({ name: "Alpha tablet" });
    }),
  "action /event-log/webhook redeliverPushAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.redeliverPushAction as Action)({ status: "idle" }, form({ pushId: b.pushId }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    }),
  "action /event-log/webhook redeliverSinceAction": (m) =>
    leavesBUnchanged(async () => {
      // B has a failed push in that window; A's "redeliver since" must not pick it up.
      const since = new Date(Date.now() - 60 * 60 * 1000).toISOString().slice(0, 16);
      const state = await (m.redeliverSinceAction as Action)({ status: "idle" }, form({ since }));
      expect(state.status, JSON.stringify(state)).toBe("success");
      expect(state.message).toMatch(/^Nothing to redeliver/);
    }),
  "action /settings/account renameAccountAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.renameAccountAction as Action)({ status: "idle" }, form({ name: `Alpha renamed ${Date.now()}` }));
      expect(state.status).toBe("success");
    }),
  "action /settings/api-tokens createApiTokenAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.createApiTokenAction as Action)({ status: "idle" }, form({ name: "Alpha script", scopes: "devices:read", expiresInDays: "7" }));
      expect(state.status).toBe("success");
      expect(await db.apiToken.findFirst({ where: { name: "Alpha script" } })).toMatchObject({ accountId: a.accountId });
    }),
  "action /settings/api-tokens revokeApiTokenAction": async (m) => {
    await leavesBUnchanged(async () => {
      const state = await (m.revokeApiTokenAction as Action)({ status: "idle" }, form({ tokenId: b.tokenId }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    });
    // B's token still works.
    const { GET } = await load("app/api/v1/integrations/webhook/route.ts");
    expect((await callApi(GET as Handler, { path: "/integrations/webhook", token: b.token })).status).toBe(200);
  },
  "action /settings/integrations/webhook saveWebhookAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.saveWebhookAction as Action)({ status: "idle" }, form({ callbackUrl: `${receiver.url}/alpha`, apiKey: "", events: "compliant" }));
      expect(state.status, JSON.stringify(state)).toBe("success");
    }),
  "action /settings/integrations/webhook sendTestPushAction": (m) =>
    leavesBUnchanged(async () => {
      const seen = receiver.requests.length;
      // An empty key field means the stored key: A's, never B's.
      const state = await (m.sendTestPushAction as Action)({ status: "idle" }, form({ callbackUrl: `${receiver.url}/alpha`, apiKey: "" }));
      expect(state.status, JSON.stringify(state)).toBe("success");
      const sent = receiver.requests.slice(seen);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.headers.authorization).not.toBe(B_API_KEY);
      expectNoDataOfB(JSON.stringify(state));
    }),
  "action /settings/integrations/webhook rotateSecretAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.rotateSecretAction as Action)({ status: "idle" });
      expect(state.status).toBe("success");
      expect(state.signingSecret).not.toBe(b.signingSecret);
    }),
  "action /settings/integrations/webhook reenableWebhookAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.reenableWebhookAction as Action)({ status: "idle" }, form({ deliverHeld: "true" }));
      expect(state.status, JSON.stringify(state)).toBe("success");
    }),
  "action /settings/users addUserAction": (m) =>
    leavesBUnchanged(async () => {
      // Emails are unique across accounts: B's user's email is refused, and B's user stays B's.
      const state = await (m.addUserAction as Action)({ status: "idle" }, form({ email: b.viewerEmail, name: "Taken", role: "admin" }));
      expect(state.status).toBe("error");
      expect(state.fieldErrors?.email?.[0]).toMatch(/already exists/);
    }),
  "action /settings/users changeUserRoleAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.changeUserRoleAction as Action)({ status: "idle" }, form({ userId: b.viewerId, role: "owner" }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    }),
  "action /settings/users removeUserAction": (m) =>
    leavesBUnchanged(async () => {
      const state = await (m.removeUserAction as Action)({ status: "idle" }, form({ userId: b.viewerId }));
      expect(state).toMatchObject({ status: "error", message: expect.stringMatching(NOT_IN_ACCOUNT) });
    }),
};

const E2E = { reason: "page with an object id: tests/e2e/tenant-isolation.spec.ts opens B's object as A and expects 404" };
const SCOPED_LIST = { reason: "lists only the signed-in user's account (the API and actions above cover the same services)" };
const PUBLIC = { reason: "public page: no account data" };
const PAGES: Record<string, Expectation> = {
  "page /": { reason: "redirects to the dashboard or sign-in" },
  "page /signin": PUBLIC,
  "page /docs": PUBLIC,
  "page /docs/api": PUBLIC,
  "page /docs/webhooks": PUBLIC,
  "page /dashboard": SCOPED_LIST,
  "page /devices": SCOPED_LIST,
  "page /devices/[deviceId]": E2E,
  "page /event-log": { reason: "redirects to Event Log > Webhook" },
  "page /event-log/admin": SCOPED_LIST,
  "page /event-log/devices": SCOPED_LIST,
  "page /event-log/webhook": SCOPED_LIST,
  "page /event-log/webhook/[pushId]": E2E,
  "page /settings": { reason: "redirects to a settings page" },
  "page /settings/account": SCOPED_LIST,
  "page /settings/api-tokens": SCOPED_LIST,
  "page /settings/integrations": { reason: "redirects to Settings > Integrations > Webhook" },
  "page /settings/integrations/webhook": SCOPED_LIST,
  "page /settings/users": SCOPED_LIST,
};

const EXPECTATIONS: Record<string, Expectation> = { ...API, ...ACTIONS, ...PAGES };

// Every route the app defines, as "<METHOD> <path>", "action <path> <export>" and "page <path>".
async function routeKeys(): Promise<{ key: string; file: string }[]> {
  const keys: { key: string; file: string }[] = [];
  for (const route of appRouteFiles()) {
    if (route.kind === "page") keys.push({ key: `page ${route.path}`, file: route.file });
    else if (route.kind === "route") {
      const module = await load(route.file);
      for (const method of HTTP_METHODS) if (typeof module[method] === "function") keys.push({ key: `${method} ${route.path}`, file: route.file });
    } else {
      const module = await load(route.file);
      for (const [name, value] of Object.entries(module)) if (typeof value === "function") keys.push({ key: `action ${route.path} ${name}`, file: route.file });
    }
  }
  return keys;
}

beforeAll(async () => {
  receiver = await startReceiver();
  const stamp = Date.now();
  const alpha = await createUserWithAccount({ accountName: `Alpha ${stamp}`, plan: "enterprise", email: `owner.${stamp}@alpha.test`, role: "owner" }, "test");
  await saveWebhookSettings({ id: alpha.accountId, plan: "enterprise" }, { callbackUrl: `${receiver.url}/alpha`, apiKey: "alpha-vendor-key", events: [...DEVICE_STATUSES], enabled: true }, "test");
  a = { accountId: alpha.accountId, userId: alpha.userId, token: (await apiToken(alpha.accountId)).token };

  const accountName = `Bravo ${stamp}`;
  const bravo = await createUserWithAccount({ accountName, plan: "enterprise", email: `owner.${stamp}@bravo.test`, role: "owner" }, "test");
  const viewerEmail = `viewer.${stamp}@bravo.test`;
  const viewer = await addUserToAccount(bravo.accountId, { email: viewerEmail, name: "Bravo Viewer", role: "viewer" }, { id: bravo.userId, email: `owner.${stamp}@bravo.test`, role: "owner" });
  const { signingSecret } = await saveWebhookSettings({ id: bravo.accountId, plan: "enterprise" }, { callbackUrl: `${receiver.url}/bravo-hooks`, apiKey: B_API_KEY, events: [...DEVICE_STATUSES], enabled: true }, "test");
  const bToken = await apiToken(bravo.accountId);
  // One failed push for B: the receiver refuses it, with no retries.
  receiver.handle((request, response) => void response.writeHead(request.path.includes("bravo") ? 500 : 200).end("ok"));
  const dispatcher = testDispatcher({ retryDelaysMs: [], maxBatch: 1 });
  let pushId: string;
  try {
    await createDevice(bravo.accountId, B_DEVICE, "test");
    const push = await eventually(() => db.push.findFirst({ where: { accountId: bravo.accountId } }), (found) => found?.state === "failed", 10_000, "B's push failed");
    pushId = push!.id;
  } finally {
    await dispatcher.stop();
  }
  // Later changes of B stay pending (no dispatcher from here on): B's history, not its pushes.
  await changeDeviceStatus(bravo.accountId, B_DEVICE.deviceId, "non_compliant", "test");
  await createDevice(bravo.accountId, B_TABLET, "test");
  const viewerId = (await db.user.findUniqueOrThrow({ where: { email: viewer.email } })).id;
  b = { accountId: bravo.accountId, accountName, viewerId, viewerEmail, tokenId: bToken.view.id, token: bToken.token, pushId, signingSecret: signingSecret! };
  // Every console case runs as A's owner.
  await signInAs({ userId: a.userId, accountId: a.accountId, role: "owner" });
});

afterAll(() => receiver?.close());

describe("tenant isolation over the route table", () => {
  it("has an isolation case for every route handler, server action and page the app defines", async () => {
    const keys = await routeKeys();
    expect(keys.length).toBeGreaterThan(40);
    const missing = keys.filter(({ key }) => !(key in EXPECTATIONS)).map(({ key, file }) => `${key} (${file})`);
    expect(missing, "new route without an isolation case").toEqual([]);
    // And no stale cases for routes that are gone.
    expect(Object.keys(EXPECTATIONS).filter((key) => !keys.some((route) => route.key === key))).toEqual([]);
    // Every route with an object id in its path has a real case (not only a reason), except pages (e2e).
    const reasonsOnly = keys.filter(({ key }) => OBJECT_SEGMENT.test(key) && !key.startsWith("page ") && typeof EXPECTATIONS[key] !== "function");
    expect(reasonsOnly.map(({ key }) => key)).toEqual([]);
  });

  it.each(Object.keys(EXPECTATIONS).filter((key) => typeof EXPECTATIONS[key] === "function"))("%s as account A never reaches account B", async (key) => {
    const route = (await routeKeys()).find((candidate) => candidate.key === key);
    expect(route, `${key} is in the route table`).toBeDefined();
    await (EXPECTATIONS[key] as Case)(await load(route!.file));
  });
});
