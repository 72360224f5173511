// The hostile input corpus (issue #8): callback URLs an attacker would try, API bodies that are not what
// the contract says, odd unicode, markup in device text and malformed paths. Each case is one test: a
// clear 4xx naming the field (or a field error from the settings service), never a 500, and nothing stored.
import dns from "node:dns";
import { NextRequest } from "next/server";
import { isValidElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addDeviceAction } from "@/app/(console)/devices/actions";
import DevicesPage from "@/app/(console)/devices/(list)/page";
import { changeDeviceStatusAction, deleteDeviceAction } from "@/app/(console)/devices/[deviceId]/actions";
import DevicePage from "@/app/(console)/devices/[deviceId]/page";
import DeviceLogPage from "@/app/(console)/event-log/devices/page";
import WebhookLogPage from "@/app/(console)/event-log/webhook/(list)/page";
import { GET as exportCsvRoute } from "@/app/api/event-log/webhook.csv/route";
import { GET as getDeviceRoute, DELETE as deleteDeviceRoute } from "@/app/api/v1/devices/[device_id]/route";
import { POST as statusRoute } from "@/app/api/v1/devices/[device_id]/status/route";
import { GET as listDevicesRoute, POST as createDeviceRoute } from "@/app/api/v1/devices/route";
import { POST as enableRoute } from "@/app/api/v1/integrations/webhook/enable/route";
import { GET as getWebhookRoute, PUT as putWebhookRoute } from "@/app/api/v1/integrations/webhook/route";
import { POST as testRoute } from "@/app/api/v1/integrations/webhook/test/route";
import { GET as listDeviceLogRoute } from "@/app/api/v1/logs/devices/route";
import { GET as pushRoute } from "@/app/api/v1/logs/webhook/[push_id]/route";
import { GET as listWebhookLogRoute } from "@/app/api/v1/logs/webhook/route";
import { PushFilters } from "@/components/event-log/push-filters";
import { db } from "@/lib/db";
import { createDevice } from "@/lib/device-events";
import { env, parseEnvironment } from "@/lib/env";
import { createUserWithAccount } from "@/lib/users";
import { saveWebhookSettings, WebhookSettingsError } from "@/lib/webhooks/settings";
import proxy from "@/proxy";
import { apiAccount, callApi, type ApiAnswer } from "../support/api";
import { deeplyNestedJson, ODD_UNICODE, REFUSED_CALLBACK_URLS, SCRIPT_BEARING_TEXT } from "../support/hostile-cases";
import { startReceiver, type Receiver } from "../support/receiver";
import { refusal } from "../support/refusal";
import { signInAs, signOut } from "../support/session-cookie";

// The console's pages and actions read a real next-auth session cookie from the request, which
// next/headers gives them inside a Next server: here it answers with the cookie this file signs in
// with (tests/support/session-cookie.ts). revalidatePath (Next's page cache, which needs a running
// Next server) is stood in for too.
vi.mock("next/headers", async (importOriginal) => (await import("../support/session-cookie")).nextHeadersWithSession(await importOriginal()));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<typeof import("next/cache")>()), revalidatePath: vi.fn() }));

const API_KEY = "vendor-key-hostile-5b1d";
const STORED_URL = "https://hooks.example.com/compliance";
const settingsBody = (overrides: Record<string, unknown> = {}) => ({ callback_url: STORED_URL, api_key: API_KEY, events: ["compliant"], enabled: true, ...overrides });

// Tests run with http and private networks allowed (for loopback receivers); this file tests what a
// production server does unless it says otherwise.
function setNetworkPolicy(policy: { allowHttp: boolean; allowPrivateNetworks: boolean }) {
  env.WEBHOOK_ALLOW_HTTP = policy.allowHttp;
  env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = policy.allowPrivateNetworks;
}
const PRODUCTION_DEFAULT = { allowHttp: false, allowPrivateNetworks: false };
const LOOPBACK_RECEIVERS_ALLOWED = { allowHttp: true, allowPrivateNetworks: true };
beforeEach(() => setNetworkPolicy(PRODUCTION_DEFAULT));

// Everything an account has stored that a refused request could have changed.
async function storedState(accountId: string) {
  const [devices, integration, deviceEvents, notifications, pushes, auditEntries] = await Promise.all([
    db.device.findMany({ where: { accountId }, orderBy: { deviceId: "asc" } }),
    db.webhookIntegration.findUnique({ where: { accountId } }),
    db.deviceEvent.count({ where: { accountId } }),
    db.notification.count({ where: { accountId } }),
    db.push.count({ where: { accountId } }),
    db.auditLog.count({ where: { accountId } }),
  ]);
  return { devices, integration, deviceEvents, notifications, pushes, auditEntries };
}

// A 4xx problem+json with a stable code and a sentence a person can act on; no stack trace, no secret.
function expectProblem(answer: ApiAnswer, status: number, code: string) {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  expect(answer.body).toMatchObject({ status, code });
  expect(answer.body.detail).toMatch(/^[A-Z].{15,}\.$/s);
  expect(answer.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|Prisma|SQLITE|stack/i);
  expect(answer.text).not.toContain(API_KEY);
}

function fieldDetails(answer: ApiAnswer): Record<string, string> {
  return Object.fromEntries((answer.body.errors ?? []).map((error: { pointer: string; detail: string }) => [error.pointer, error.detail]));
}


it("the policy under test is the one a server gets when the operator sets nothing", () => {
  const defaults = parseEnvironment({ AUTH_SECRET: "s".repeat(32), ENCRYPTION_KEY: "A".repeat(43) });
  expect({ allowHttp: defaults.WEBHOOK_ALLOW_HTTP, allowPrivateNetworks: defaults.WEBHOOK_ALLOW_PRIVATE_NETWORKS }).toEqual(PRODUCTION_DEFAULT);
});

describe("callback URLs refused by the production policy", () => {
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    setNetworkPolicy(PRODUCTION_DEFAULT);
    account = await apiAccount();
    await saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: STORED_URL, apiKey: API_KEY, events: ["compliant"], enabled: true }, "owner@test");
  });

  for (const { name, url, reason } of REFUSED_CALLBACK_URLS) {
    it(`settings service: ${name} (${url}) is a field error on callbackUrl; the stored integration is unchanged`, async () => {
      const before = await storedState(account.accountId);
      const error = await refusal(() => saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: url, apiKey: "replacement-key-0000", events: ["deleted"], enabled: true }, "owner@test"));
      expect(error).toBeInstanceOf(WebhookSettingsError);
      expect(error).toMatchObject({ field: "callbackUrl", code: "invalid" });
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain("hunter2-secret");
      expect(await storedState(account.accountId)).toEqual(before);
    });

    it(`PUT /integrations/webhook: ${name} (${url}) is a 422 pointing at /callback_url; GET still shows the stored URL`, async () => {
      const before = await storedState(account.accountId);
      const answer = await callApi(putWebhookRoute, { method: "PUT", path: "/integrations/webhook", token: account.token, body: settingsBody({ callback_url: url, events: ["deleted"] }) });
      expectProblem(answer, 422, "validation_failed");
      expect(fieldDetails(answer)["/callback_url"]).toMatch(reason);
      expect(answer.text).not.toContain("hunter2-secret");
      expect(await storedState(account.accountId)).toEqual(before);
      const read = await callApi(getWebhookRoute, { path: "/integrations/webhook", token: account.token });
      expect(read.body).toMatchObject({ callback_url: STORED_URL, events: ["compliant"] });
    });
  }

  it("a callback URL over 2048 characters is a 422 on /callback_url", async () => {
    const before = await storedState(account.accountId);
    const answer = await callApi(putWebhookRoute, { method: "PUT", path: "/integrations/webhook", token: account.token, body: settingsBody({ callback_url: `https://hooks.example.com/${"a".repeat(3000)}` }) });
    expectProblem(answer, 422, "validation_failed");
    expect(fieldDetails(answer)["/callback_url"]).toBe("Use at most 2048 characters.");
    expect(await storedState(account.accountId)).toEqual(before);
  });
});

// Names are resolved when the URL is saved (a refused address is a field error) and again on every
// connect, so a name that rebinds to a refused address after it was saved still receives nothing.
describe("host names that resolve to refused addresses", () => {
  const PUBLIC_ADDRESS = "93.184.215.14";
  let receiver: Receiver;
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    receiver = await startReceiver();
    account = await apiAccount();
    await saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: STORED_URL, apiKey: API_KEY, events: ["compliant"], enabled: true }, "owner@test");
  });
  afterEach(() => {
    vi.restoreAllMocks();
    receiver.requests.length = 0;
  });
  afterAll(() => receiver.close());

  // DNS as the resolver seam sees it: dns.lookup, which both the save-time and the connect-time checks call.
  function answerDns(answers: Record<string, string>) {
    vi.spyOn(dns, "lookup").mockImplementation(((hostname: string, _options: unknown, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void) => {
      const address = answers[hostname];
      if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, [{ address, family: 4 }]);
    }) as unknown as typeof dns.lookup);
  }
  const put = (callbackUrl: string) => callApi(putWebhookRoute, { method: "PUT", path: "/integrations/webhook", token: account.token, body: settingsBody({ callback_url: callbackUrl }) });
  const sendTest = () => callApi(testRoute, { method: "POST", path: "/integrations/webhook/test", token: account.token });

  const resolvedOnSave: { name: string; url: string; dns: Record<string, string> | null; reason: RegExp }[] = [
    { name: 'a name /etc/hosts maps to 127.0.0.1 ("vm")', url: "https://vm/hooks/compliance", dns: null, reason: /host vm resolves to an address that is refused: 127\.0\.0\.1 is a loopback address; loopback and private-network receivers are not allowed/ },
    { name: "a name DNS answers with the cloud metadata address", url: "https://metadata.attacker.test/latest/meta-data/", dns: { "metadata.attacker.test": "169.254.169.254" }, reason: /host metadata\.attacker\.test resolves to an address that is refused: 169\.254\.169\.254 is a cloud metadata address, which is never allowed/ },
    { name: "a name DNS answers with a private address", url: "https://intranet.attacker.test/", dns: { "intranet.attacker.test": "10.20.30.40" }, reason: /resolves to an address that is refused: 10\.20\.30\.40 is a private-network address/ },
  ];
  for (const { name, url, dns: answers, reason } of resolvedOnSave) {
    it(`${name}: saving is a 422 on /callback_url and the stored integration is unchanged`, async () => {
      if (answers) answerDns(answers);
      const before = await storedState(account.accountId);
      const answer = await put(url);
      expectProblem(answer, 422, "validation_failed");
      expect(fieldDetails(answer)["/callback_url"]).toMatch(reason);
      expect(await storedState(account.accountId)).toEqual(before);
    });
  }

  it("a name that does not resolve yet is saved (the connect-time check still applies)", async () => {
    answerDns({});
    const answer = await put("https://not-yet-live.vendor.test/hooks");
    expect(answer.status).toBe(200);
    expect(answer.body.callback_url).toBe("https://not-yet-live.vendor.test/hooks");
  });

  it('a name that rebinds to 127.0.0.1 after it was saved ("vm", with a receiver listening there): refused at connect, the receiver gets nothing', async () => {
    const port = new URL(receiver.url).port;
    answerDns({ vm: PUBLIC_ADDRESS });
    expect((await put(`https://vm:${port}/hooks/compliance`)).status).toBe(200);
    vi.restoreAllMocks(); // from now on "vm" resolves through /etc/hosts again
    const tested = await sendTest();
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false, status: null, error_class: "ssrf_blocked" });
    expect(tested.body.error).toMatch(/Refused to connect to vm: The address 127\.0\.0\.1 is a loopback address; loopback and private-network receivers are not allowed/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("a name that rebinds to the cloud metadata address after it was saved: refused at connect with ssrf_blocked, recorded in the push log", async () => {
    answerDns({ "rebind.attacker.test": PUBLIC_ADDRESS });
    expect((await put("https://rebind.attacker.test/hooks")).status).toBe(200);
    answerDns({ "rebind.attacker.test": "169.254.169.254" });
    const tested = await sendTest();
    expect(tested.body).toMatchObject({ ok: false, status: null, error_class: "ssrf_blocked" });
    expect(tested.body.error).toContain("The address 169.254.169.254 is a cloud metadata address, which is never allowed.");
    const push = await callApi(pushRoute, { path: `/logs/webhook/${tested.body.webhook_id}`, token: account.token, params: { push_id: tested.body.webhook_id } });
    expect(push.body.attempts).toMatchObject([{ http_status: null, error_class: "ssrf_blocked", succeeded: false }]);
  });
});

describe("a receiver that redirects to the metadata service or another host", () => {
  let receiver: Receiver;
  let elsewhere: Receiver;
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    [receiver, elsewhere] = await Promise.all([startReceiver(), startReceiver()]);
    setNetworkPolicy(LOOPBACK_RECEIVERS_ALLOWED);
    account = await apiAccount();
    await saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: receiver.url, apiKey: API_KEY, events: ["compliant"], enabled: true }, "owner@test");
  });
  beforeEach(() => setNetworkPolicy(LOOPBACK_RECEIVERS_ALLOWED));
  afterEach(() => {
    receiver.requests.length = 0;
    elsewhere.requests.length = 0;
  });
  afterAll(() => Promise.all([receiver.close(), elsewhere.close()]));

  const targets = [
    { name: "302 to the cloud metadata service", status: 302, location: () => "http://169.254.169.254/latest/meta-data/iam/security-credentials/" },
    { name: "307 to another loopback receiver", status: 307, location: () => elsewhere.url },
    { name: "301 to a file: URL", status: 301, location: () => "file:///etc/passwd" },
  ];
  for (const target of targets) {
    it(`${target.name}: the redirect is not followed and the push fails with the receiver's status`, async () => {
      receiver.handle((_request, response) => {
        response.writeHead(target.status, { location: target.location() }).end();
      });
      const tested = await callApi(testRoute, { method: "POST", path: "/integrations/webhook/test", token: account.token });
      expect(tested.body).toMatchObject({ ok: false, status: target.status, error_class: "http_status" });
      expect(tested.body.error).toBe(`The receiver answered ${target.status} (redirects are not followed).`);
      expect(receiver.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      const push = await callApi(pushRoute, { path: `/logs/webhook/${tested.body.webhook_id}`, token: account.token, params: { push_id: tested.body.webhook_id } });
      expect(push.body.attempts).toHaveLength(1);
      expect(push.body.attempts[0]).toMatchObject({ http_status: target.status, succeeded: false, url: receiver.url });
    });
  }
});

// The four operations that take a JSON body, each with a valid body, so one hostile change is the only fault.
type RouteHandler = Parameters<typeof callApi>[0];
type JsonRoute = { name: string; handler: RouteHandler; method: string; path: string; params?: Record<string, string>; valid: Record<string, unknown> };
const EXISTING_DEVICE = "HOSTILE-EXISTING-1";
const JSON_ROUTES: JsonRoute[] = [
  { name: "POST /devices", handler: createDeviceRoute, method: "POST", path: "/devices", valid: { device_id: "HOSTILE-NEW-1", name: "Ward tablet", platform: "Android 15" } },
  { name: "POST /devices/{device_id}/status", handler: statusRoute, method: "POST", path: `/devices/${EXISTING_DEVICE}/status`, params: { device_id: EXISTING_DEVICE }, valid: { status: "compliant" } },
  { name: "PUT /integrations/webhook", handler: putWebhookRoute, method: "PUT", path: "/integrations/webhook", valid: settingsBody({ callback_url: "https://hooks.example.com/replaced", events: ["deleted"] }) },
  { name: "POST /integrations/webhook/enable", handler: enableRoute, method: "POST", path: "/integrations/webhook/enable", valid: { deliver_held: true } },
];

// Sends the body as raw bytes, so neither the body nor the headers are touched on the way (a string body
// would get a text/plain content type added, and lone surrogates replaced).
async function sendRaw(route: JsonRoute, token: string, body: Uint8Array, headers: Record<string, string>): Promise<ApiAnswer> {
  const request = new Request(`http://127.0.0.1/api/v1${route.path}`, { method: route.method, headers: { authorization: `Bearer ${token}`, ...headers }, body: body as Uint8Array<ArrayBuffer> });
  const response = await route.handler(request, { params: Promise.resolve(route.params ?? {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

// A body that is not what the contract says, whatever the operation.
type BodyCase = { name: string; body: (valid: Record<string, unknown>) => string | Uint8Array; headers?: Record<string, string>; status: number; code: string; detail: RegExp };
const JSON_TYPE = { "content-type": "application/json" };
const TEN_MB = 10 * 1024 * 1024;
const firstField = (valid: Record<string, unknown>) => Object.keys(valid)[0]!;
const withRawField = (valid: Record<string, unknown>, raw: string) => JSON.stringify(valid).replace(/^\{/, `{${raw},`);
const withFieldAsRawJson = (valid: Record<string, unknown>, raw: string) => JSON.stringify({ ...valid, [firstField(valid)]: "@@RAW@@" }).replace('"@@RAW@@"', raw);
const NOT_VALID = /not valid; see errors/;
const BODY_CASES: BodyCase[] = [
  { name: "not JSON (a form-encoded string)", body: () => "status=compliant&device_id=1", status: 400, code: "malformed_json", detail: /not valid JSON/ },
  { name: "truncated JSON", body: (valid) => JSON.stringify(valid).slice(0, -3), status: 400, code: "malformed_json", detail: /not valid JSON/ },
  { name: "JSON with a trailing comma", body: (valid) => JSON.stringify(valid).replace(/\}$/, ",}"), status: 400, code: "malformed_json", detail: /not valid JSON/ },
  { name: "an empty body", body: () => "", status: 400, code: "malformed_json", detail: /not valid JSON/ },
  { name: "bytes that are not UTF-8", body: (valid) => Buffer.concat([Buffer.from(JSON.stringify(valid).slice(0, -1)), Buffer.from([0x2c, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x3a, 0x31, 0x7d])]), status: 400, code: "malformed_json", detail: /not valid UTF-8/ },
  { name: "valid JSON sent as text/plain", body: (valid) => JSON.stringify(valid), headers: { "content-type": "text/plain" }, status: 415, code: "unsupported_media_type", detail: /Content-Type: application\/json/ },
  { name: "valid JSON sent as a form", body: (valid) => JSON.stringify(valid), headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type", detail: /Content-Type: application\/json/ },
  { name: "valid JSON with no content type", body: (valid) => JSON.stringify(valid), headers: {}, status: 415, code: "unsupported_media_type", detail: /Content-Type: application\/json/ },
  { name: "a JSON array", body: (valid) => JSON.stringify([valid]), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "JSON null", body: () => "null", status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "a JSON number", body: () => "42", status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "a JSON string", body: () => '"compliant"', status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "a 10 MB string in a field", body: (valid) => JSON.stringify({ ...valid, [firstField(valid)]: "x".repeat(TEN_MB) }), status: 413, code: "body_too_large", detail: /at most 64 KiB/ },
  { name: "a 10 MB body announced by Content-Length", body: (valid) => JSON.stringify(valid), headers: { ...JSON_TYPE, "content-length": String(TEN_MB) }, status: 413, code: "body_too_large", detail: /at most 64 KiB/ },
  { name: "a field nested 30,000 arrays deep", body: (valid) => withFieldAsRawJson(valid, deeplyNestedJson(30_000)), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "a __proto__ key", body: (valid) => withRawField(valid, '"__proto__":{"polluted":"yes","isAdmin":true}'), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "a constructor.prototype key", body: (valid) => withRawField(valid, '"constructor":{"prototype":{"polluted":"yes"}}'), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "an unknown field", body: (valid) => JSON.stringify({ ...valid, account_id: "someone-else" }), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "the first field as a number", body: (valid) => JSON.stringify({ ...valid, [firstField(valid)]: 12345 }), status: 422, code: "validation_failed", detail: NOT_VALID },
  { name: "the first field as an object", body: (valid) => JSON.stringify({ ...valid, [firstField(valid)]: { $ne: null } }), status: 422, code: "validation_failed", detail: NOT_VALID },
];

describe("hostile bodies on every JSON operation", () => {
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    account = await apiAccount();
    await saveWebhookSettings({ id: account.accountId, plan: "enterprise" }, { callbackUrl: STORED_URL, apiKey: API_KEY, events: ["compliant"], enabled: false }, "owner@test");
    const created = await callApi(createDeviceRoute, { method: "POST", path: "/devices", token: account.token, body: { device_id: EXISTING_DEVICE, name: "Existing", platform: "iOS 18" } });
    expect(created.status).toBe(201);
  });
  afterAll(() => {
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  for (const route of JSON_ROUTES) {
    for (const bodyCase of BODY_CASES) {
      it(`${route.name}: ${bodyCase.name} → ${bodyCase.status} ${bodyCase.code}, nothing stored`, async () => {
        const before = await storedState(account.accountId);
        const body = bodyCase.body(route.valid);
        const answer = await sendRaw(route, account.token, typeof body === "string" ? Buffer.from(body) : body, bodyCase.headers ?? JSON_TYPE);
        expectProblem(answer, bodyCase.status, bodyCase.code);
        expect(answer.body.detail).toMatch(bodyCase.detail);
        if (bodyCase.code === "validation_failed") expect(answer.body.errors?.length).toBeGreaterThan(0);
        expect(await storedState(account.accountId)).toEqual(before);
        expect(Object.prototype).not.toHaveProperty("polluted");
      });
    }
  }

  const fieldCases: { route: string; name: string; body: Record<string, unknown>; pointer: string; detail: RegExp }[] = [
    { route: "POST /devices", name: "no name or platform", body: { device_id: "HOSTILE-2" }, pointer: "/name", detail: /expected string/i },
    { route: "POST /devices", name: "a blank device id", body: { device_id: "   ", name: "n", platform: "p" }, pointer: "/device_id", detail: /Enter the device id\./ },
    { route: "POST /devices", name: "a 129-character device id", body: { device_id: "D".repeat(129), name: "n", platform: "p" }, pointer: "/device_id", detail: /at most 128/ },
    { route: "POST /devices", name: "a boolean name", body: { device_id: "HOSTILE-3", name: true, platform: "p" }, pointer: "/name", detail: /expected string/i },
    { route: "POST /devices/{device_id}/status", name: "an unknown status", body: { status: "hacked" }, pointer: "/status", detail: /installed|compliant/ },
    { route: "POST /devices/{device_id}/status", name: "the status in an array", body: { status: ["compliant"] }, pointer: "/status", detail: /installed|compliant/ },
    { route: "POST /devices/{device_id}/status", name: "no status", body: {}, pointer: "/status", detail: /installed|compliant/ },
    { route: "PUT /integrations/webhook", name: "events as a string", body: settingsBody({ events: "compliant" }), pointer: "/events", detail: /expected array/i },
    { route: "PUT /integrations/webhook", name: "an unknown event", body: settingsBody({ events: ["compliant", "root"] }), pointer: "/events/1", detail: /installed|compliant/ },
    { route: "PUT /integrations/webhook", name: "no events", body: settingsBody({ events: [] }), pointer: "/events", detail: /Choose at least one event\./ },
    { route: "PUT /integrations/webhook", name: "enabled as a string", body: settingsBody({ enabled: "true" }), pointer: "/enabled", detail: /expected boolean/i },
    { route: "PUT /integrations/webhook", name: "an empty API key", body: settingsBody({ api_key: "" }), pointer: "/api_key", detail: /Omit api_key to keep the stored key/ },
    { route: "PUT /integrations/webhook", name: "a numeric callback URL", body: settingsBody({ callback_url: 42 }), pointer: "/callback_url", detail: /expected string/i },
    { route: "POST /integrations/webhook/enable", name: "deliver_held as a string", body: { deliver_held: "yes" }, pointer: "/deliver_held", detail: /expected boolean/i },
  ];
  for (const fieldCase of fieldCases) {
    it(`${fieldCase.route}: ${fieldCase.name} → 422 naming ${fieldCase.pointer}, nothing stored`, async () => {
      const route = JSON_ROUTES.find((candidate) => candidate.name === fieldCase.route)!;
      const before = await storedState(account.accountId);
      const answer = await callApi(route.handler, { method: route.method, path: route.path, params: route.params, token: account.token, body: fieldCase.body });
      expectProblem(answer, 422, "validation_failed");
      expect(fieldDetails(answer)[fieldCase.pointer]).toMatch(fieldCase.detail);
      expect(await storedState(account.accountId)).toEqual(before);
    });
  }
});

describe("odd unicode in device text", () => {
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    account = await apiAccount();
  });
  const create = (body: Record<string, unknown>) => callApi(createDeviceRoute, { method: "POST", path: "/devices", token: account.token, body });

  // NUL cannot be stored in PostgreSQL text, a lone surrogate not as UTF-8; escape sequences and
  // invisible or direction-changing characters make an id that reads as something else.
  const refusedInDeviceId = ["nul", "loneHighSurrogate", "loneLowSurrogate", "rightToLeftOverride", "zeroWidthOnly", "zeroWidthInside", "escape"] as const;
  for (const kind of refusedInDeviceId) {
    it(`a device id with ${kind} (${JSON.stringify(ODD_UNICODE[kind])}) is a 422 on /device_id; no device is created`, async () => {
      const before = await storedState(account.accountId);
      const answer = await create({ device_id: ODD_UNICODE[kind], name: "Odd id", platform: "Linux" });
      expectProblem(answer, 422, "validation_failed");
      expect(fieldDetails(answer)["/device_id"]).toMatch(/Use visible characters only/);
      expect(await storedState(account.accountId)).toEqual(before);
    });
  }

  const refusedInName = ["nul", "loneHighSurrogate", "loneLowSurrogate", "escape"] as const;
  for (const kind of refusedInName) {
    it(`a name with ${kind} (${JSON.stringify(ODD_UNICODE[kind])}) is a 422 on /name; no device is created`, async () => {
      const before = await storedState(account.accountId);
      const answer = await create({ device_id: `ODD-NAME-${kind}`, name: ODD_UNICODE[kind], platform: "Linux" });
      expectProblem(answer, 422, "validation_failed");
      expect(fieldDetails(answer)["/name"]).toMatch(/Use printable characters only/);
      expect(await storedState(account.accountId)).toEqual(before);
    });
  }

  it("names in right-to-left scripts, with zero-width joiners and emoji, are stored and read back exactly", async () => {
    const name = "מחשב קבלה \u200dسلام\u200c 👩‍⚕️ Ünïcödé";
    const answer = await create({ device_id: "ODD-NAME-OK", name, platform: "ChromeOS" });
    expect(answer.status).toBe(201);
    const read = await callApi(getDeviceRoute, { path: "/devices/ODD-NAME-OK", token: account.token, params: { device_id: "ODD-NAME-OK" } });
    expect(read.body.name).toBe(name);
  });

  for (const kind of ["nul", "loneHighSurrogate", "rightToLeftOverride"] as const) {
    it(`a path device id with ${kind} answers 404 (no device can have it), never a 500`, async () => {
      for (const [handler, method] of [[getDeviceRoute, "GET"], [deleteDeviceRoute, "DELETE"]] as const) {
        const answer = await callApi(handler, { method, path: `/devices/${encodeURIComponent(ODD_UNICODE.zeroWidthInside)}`, token: account.token, params: { device_id: ODD_UNICODE[kind] } });
        expectProblem(answer, 404, "not_found");
      }
      const status = await callApi(statusRoute, { method: "POST", path: "/devices/x/status", token: account.token, body: { status: "compliant" }, params: { device_id: ODD_UNICODE[kind] } });
      expectProblem(status, 404, "not_found");
    });
  }

  const queries = [
    { name: "GET /devices?q=", handler: listDevicesRoute, path: "/devices", parameter: "q", detail: /Use printable characters only/ },
    { name: "GET /logs/webhook?device_id=", handler: listWebhookLogRoute, path: "/logs/webhook", parameter: "device_id", detail: /Use visible characters only/ },
    { name: "GET /logs/devices?device_id=", handler: listDeviceLogRoute, path: "/logs/devices", parameter: "device_id", detail: /Use visible characters only/ },
  ];
  for (const query of queries) {
    for (const kind of ["nul", "escape"] as const) {
      it(`${query.name} with ${kind} is a 400 naming ${query.parameter}, never a 500`, async () => {
        const answer = await callApi(query.handler, { path: `${query.path}?${query.parameter}=${encodeURIComponent(ODD_UNICODE[kind])}`, token: account.token });
        expectProblem(answer, 400, "invalid_query");
        expect(answer.body.errors).toEqual([{ parameter: query.parameter, detail: expect.stringMatching(query.detail) }]);
      });
    }
  }
});

// The console takes the same hostile text from URLs and forms: a search or filter is a field error
// (the page still lists), an id in a URL no device can have is a 404, an action answers with its
// form's error; never a 500 (PostgreSQL refuses NUL in any query) and nothing stored.
describe("control and invisible characters in the console's URLs and forms", () => {
  const KNOWN = "CONSOLE-ODD-1";
  const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };
  let accountId: string;
  beforeAll(async () => {
    const owner = await createUserWithAccount({ accountName: `Console odd ${Date.now()}`, plan: "enterprise", email: `console-odd.${Date.now()}@owner.test`, role: "owner" }, "test");
    accountId = owner.accountId;
    await signInAs({ userId: owner.userId, accountId: owner.accountId, role: "owner" });
    await createDevice(accountId, { deviceId: KNOWN, name: "Known laptop", platform: "macOS 15" }, "owner@test");
  });
  afterAll(signOut);

  type SearchParams = Record<string, string>;
  const listPage = async (page: (props: { searchParams: Promise<SearchParams> }) => Promise<React.ReactElement>, searchParams: SearchParams) =>
    renderToStaticMarkup(await page({ searchParams: Promise.resolve(searchParams) }));
  // The first element of a type in a page's unrendered tree.
  const findElement = (node: React.ReactNode, type: unknown): React.ReactElement<Record<string, unknown>> | null => {
    if (Array.isArray(node)) return node.reduce<React.ReactElement<Record<string, unknown>> | null>((found, child) => found ?? findElement(child, type), null);
    if (!isValidElement<{ children?: React.ReactNode }>(node)) return null;
    return node.type === type ? (node as React.ReactElement<Record<string, unknown>>) : findElement(node.props.children, type);
  };
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    return data;
  };

  it("the devices list with a valid search finds the device (what the refused searches below are compared with)", async () => {
    const html = await listPage(DevicesPage, { q: "console-odd" });
    expect(html).toContain(KNOWN);
    expect(html).not.toContain("aria-invalid");
  });

  for (const kind of ["nul", "escape", "loneHighSurrogate"] as const) {
    it(`the devices list searched with ${kind} says why on the search field and lists the devices unsearched`, async () => {
      const html = await listPage(DevicesPage, { q: ODD_UNICODE[kind] });
      expect(html).toMatch(/<input id="device-search"[^>]*aria-invalid="true"[^>]*aria-describedby="device-search-error"/);
      expect(html).toContain('<p id="device-search-error" class="mt-1 text-xs text-red-700 dark:text-red-400">Use printable characters only (no control characters).</p>');
      expect(html).toContain(KNOWN);
    });
  }

  it("the devices list with a page cursor no device id can be ignores the cursor", async () => {
    for (const cursor of ["after", "before"]) {
      const html = await listPage(DevicesPage, { [cursor]: ODD_UNICODE.nul });
      expect(html, cursor).toContain(KNOWN);
    }
  });

  it("the device page of a known id renders (what the 404s below are compared with)", async () => {
    expect(renderToStaticMarkup(await DevicePage({ params: Promise.resolve({ deviceId: KNOWN }) }))).toContain("Known laptop");
  });

  for (const segment of ["%00", encodeURIComponent(ODD_UNICODE.nul), "%07", encodeURIComponent(ODD_UNICODE.escape), encodeURIComponent(ODD_UNICODE.rightToLeftOverride), encodeURIComponent(ODD_UNICODE.zeroWidthInside), "%ED%A0%80"]) {
    it(`the device page /devices/${segment} is not found`, async () => {
      await expect(DevicePage({ params: Promise.resolve({ deviceId: segment }) })).rejects.toMatchObject(NOT_FOUND);
    });
  }

  it("adding a device with NUL in its id or name answers the field's error; nothing is stored", async () => {
    const before = await storedState(accountId);
    const badId = await addDeviceAction({ status: "idle" }, form({ deviceId: ODD_UNICODE.nul, name: "Odd", platform: "Linux" }));
    expect(badId).toMatchObject({ status: "error", fieldErrors: { deviceId: [expect.stringMatching(/^Use visible characters only/)] } });
    const badName = await addDeviceAction({ status: "idle" }, form({ deviceId: "CONSOLE-ODD-NAME", name: ODD_UNICODE.nul, platform: "Linux" }));
    expect(badName).toMatchObject({ status: "error", fieldErrors: { name: [expect.stringMatching(/^Use printable characters only/)] } });
    expect(await storedState(accountId)).toEqual(before);
  });

  for (const kind of ["nul", "escape", "rightToLeftOverride"] as const) {
    it(`changing the status or deleting a device whose id has ${kind} answers "not in this account"; nothing is stored`, async () => {
      const before = await storedState(accountId);
      const changed = await changeDeviceStatusAction({ status: "idle" }, form({ deviceId: ODD_UNICODE[kind], status: "compliant" }));
      expect(changed).toEqual({ status: "error", message: "This device is not in this account any more. Reload the page." });
      const deleted = await deleteDeviceAction({ status: "idle" }, form({ deviceId: ODD_UNICODE[kind] }));
      expect(deleted).toEqual({ status: "error", message: "This device is not in this account any more. Reload the page." });
      expect(await storedState(accountId)).toEqual(before);
    });
  }

  it("changing the status of a known device to an unknown one is a field error on the status", async () => {
    const answer = await changeDeviceStatusAction({ status: "idle" }, form({ deviceId: KNOWN, status: "hacked\u0000" }));
    expect(answer).toMatchObject({ status: "error", message: "Choose another status.", fieldErrors: { status: ["Choose a status."] } });
  });

  it("Event Log › Devices filtered by a device id with NUL says why on the field and lists every change", async () => {
    const html = await listPage(DeviceLogPage, { device: ODD_UNICODE.nul });
    expect(html).toMatch(/<input id="device-log-device"[^>]*aria-invalid="true"/);
    expect(html).toContain("Use visible characters only");
    expect(html).toContain(KNOWN);
  });

  // Its live-updates island needs a mounted app router to render, so this reads the filter form's props.
  it("Event Log › Webhook filtered by a device id with NUL hands the filter form the field's error", async () => {
    const page = await WebhookLogPage({ searchParams: Promise.resolve({ device: ODD_UNICODE.nul }) });
    const filters = findElement(page, PushFilters);
    expect(filters?.props).toMatchObject({ values: { deviceId: ODD_UNICODE.nul }, errors: { deviceId: expect.stringMatching(/^Use visible characters only/) } });
  });

  it("the CSV export filtered by a device id with NUL is a 400 naming the filter", async () => {
    const response = await exportCsvRoute(new Request(`http://127.0.0.1/api/event-log/webhook.csv?device=${encodeURIComponent(ODD_UNICODE.nul)}`));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 400, errors: { deviceId: expect.stringMatching(/^Use visible characters only/) } });
  });
});

describe("markup and script in device ids and names", () => {
  let account: { accountId: string; token: string };
  beforeAll(async () => {
    account = await apiAccount();
  });

  // Ids and names are opaque text to the API: markup is accepted, stored as sent, and answered as JSON
  // (never HTML); the console renders it as text (tests/e2e/xss.spec.ts).
  SCRIPT_BEARING_TEXT.forEach((text, index) => {
    it(`device id and name ${JSON.stringify(text)} are stored and answered literally, as JSON`, async () => {
      const created = await callApi(createDeviceRoute, { method: "POST", path: "/devices", token: account.token, body: { device_id: text, name: `${text} name`, platform: `<b>platform ${index}</b>` } });
      expect(created.status).toBe(201);
      expect(created.headers.get("content-type")).toBe("application/json");
      expect(created.body).toMatchObject({ device_id: text, name: `${text} name`, platform: `<b>platform ${index}</b>` });
      const read = await callApi(getDeviceRoute, { path: `/devices/${encodeURIComponent(text)}`, token: account.token, params: { device_id: text } });
      expect(read.body).toMatchObject({ device_id: text, name: `${text} name` });
      const stored = await db.device.findFirst({ where: { accountId: account.accountId, deviceId: text } });
      expect(stored?.name).toBe(`${text} name`);
    });
  });
});

describe("malformed percent-encoding in a path", () => {
  const ask = (path: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`http://127.0.0.1:3000${path}`, { headers }));

  const malformed = [
    { name: "a truncated escape in an API path", path: "/api/v1/devices/%E0%A4%A" },
    { name: "a lone % in an API path", path: "/api/v1/devices/100%/status" },
    { name: "an escape of bytes that are not UTF-8", path: "/api/v1/logs/webhook/%C0%AF" },
  ];
  for (const { name, path } of malformed) {
    it(`${name} (${path}) answers 400 problem+json malformed_path`, async () => {
      const answer = await ask(path);
      expect(answer.status).toBe(400);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(await answer.json()).toMatchObject({ status: 400, code: "malformed_path", detail: expect.stringMatching(/not valid percent-encoding/) });
    });
  }

  it("a console page path with a malformed escape answers 400 text, not a sign-in redirect or a 500", async () => {
    const answer = await ask("/devices/%E0%A4%A");
    expect(answer.status).toBe(400);
    expect(answer.headers.get("content-type")).toContain("text/plain");
    expect(await answer.text()).toMatch(/not valid percent-encoding/);
  });

  it("well-formed escapes pass on to the API, and console pages still need a sign-in", async () => {
    const api = await ask("/api/v1/devices/caf%C3%A9%20%2F%20bar");
    expect(api.headers.get("x-middleware-next")).toBe("1");
    const page = await ask("/devices/caf%C3%A9?status=compliant");
    expect(page.status).toBe(307);
    const location = new URL(page.headers.get("location")!);
    expect(`${location.pathname}${location.search}`).toBe("/signin?callbackUrl=%2Fdevices%2Fcaf%25C3%25A9%3Fstatus%3Dcompliant");
  });

  // The page itself verifies the session (tests/e2e/auth.spec.ts: a removed user's session is refused).
  it("passes a console page on to the page's own session check only with a session cookie, whole or chunked", async () => {
    for (const cookie of ["next-auth.session-token=x", "__Secure-next-auth.session-token=x", "next-auth.session-token.0=x; next-auth.session-token.1=y"]) {
      expect((await ask("/dashboard", { cookie })).headers.get("x-middleware-next"), cookie).toBe("1");
    }
    for (const cookie of ["next-auth.csrf-token=x", "next-auth.session-token-old=x", "xnext-auth.session-token=x"]) {
      expect((await ask("/dashboard", { cookie })).status, cookie).toBe(307);
    }
  });
});
