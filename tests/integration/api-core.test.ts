// The /api/v1 framework as any client meets it: authentication, scopes, the rate limit, request
// validation and problem details, and the OpenAPI document that describes every route the app has.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.API_RATE_LIMIT_PER_MINUTE = "20";
});

import { GET as listDevices, POST as createDevice } from "@/app/api/v1/devices/route";
import { GET as openApiJson } from "@/app/api/v1/openapi.json/route";
import { revokeApiToken } from "@/lib/api-tokens";
import { API_OPERATIONS } from "@/lib/api/operations";
import { db } from "@/lib/db";
import { apiAccount, apiToken, callApi, expectDocumented } from "../support/api";

const newDevice = (deviceId: string) => ({ device_id: deviceId, name: "Front desk laptop", platform: "macOS" });

let account: { accountId: string; token: string };
beforeAll(async () => {
  account = await apiAccount();
});

describe("authentication", () => {
  it("asks for a bearer token when none is sent", async () => {
    const answer = await callApi(listDevices, { path: "/devices" });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toContain("Bearer");
    expect(answer.body).toMatchObject({ status: 401, code: "unauthenticated" });
    expectDocumented("listDevices", answer);
  });

  it("does not accept a console session cookie as a credential", async () => {
    const answer = await callApi(listDevices, { path: "/devices", headers: { cookie: "next-auth.session-token=abc" } });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(/does not accept session cookies/);
  });

  it("refuses other schemes, unknown, revoked and expired tokens alike", async () => {
    const { token: revoked, view } = await apiToken(account.accountId);
    await revokeApiToken(account.accountId, view.id, "test");
    const { token: expired, view: expiring } = await apiToken(account.accountId);
    await db.apiToken.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const basic = await callApi(listDevices, { path: "/devices", headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } });
    expect(basic.status).toBe(401);
    for (const token of ["cwc_unknown", "not-a-token", revoked, expired]) {
      const answer = await callApi(listDevices, { path: "/devices", token });
      expect(answer.status, token.slice(0, 8)).toBe(401);
      expect(answer.body.code).toBe("invalid_token");
      expect(answer.text).not.toContain(token);
    }
  });
});

describe("scopes", () => {
  it("answers 403 naming the missing scope, and stores nothing", async () => {
    const readOnly = await apiAccount({ scopes: ["devices:read"] });
    const answer = await callApi(createDevice, { method: "POST", path: "/devices", token: readOnly.token, body: newDevice("SCOPE-1") });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: "insufficient_scope" });
    expect(answer.body.detail).toContain("devices:write");
    expectDocumented("createDevice", answer);
    expect(await db.device.count({ where: { accountId: readOnly.accountId } })).toBe(0);
  });
});

describe("request validation", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) => callApi(createDevice, { method: "POST", path: "/devices", token: account.token, body, headers });

  it("needs JSON (415), refuses large bodies (413) and malformed JSON (400)", async () => {
    const form = await post("device_id=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expectDocumented("createDevice", form);

    const huge = await post({ ...newDevice("BIG"), name: "x".repeat(10 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expectDocumented("createDevice", huge);

    // A body that is larger than it claims is cut off while it streams.
    const understated = await post(JSON.stringify({ ...newDevice("BIG2"), name: "y".repeat(100_000) }), { "content-length": "10" });
    expect([400, 413]).toContain(understated.status);

    const malformed = await post('{"device_id": "A",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("malformed_json");
    expectDocumented("createDevice", malformed);
    expect(await db.device.count({ where: { accountId: account.accountId } })).toBe(0);
  });

  it("points at each bad field with a JSON Pointer (422), including unknown and __proto__ keys", async () => {
    const answer = await post('{"device_id": 7, "name": "", "platform": "iOS", "__proto__": {"admin": true}, "extra": 1}');
    expect(answer.status).toBe(422);
    expectDocumented("createDevice", answer);
    const pointers = answer.body.errors.map((error: { pointer: string }) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/device_id", "/name", "/__proto__"]));
    expect(answer.body.errors.find((error: { pointer: string }) => error.pointer === "/name").detail).toBe("Enter a name.");
    expect(await db.device.count({ where: { accountId: account.accountId } })).toBe(0);
  });

  it("refuses unknown, repeated and malformed query parameters and foreign cursors (400)", async () => {
    for (const query of ["?limit=0", "?limit=abc", "?colour=red", "?limit=5&limit=6", "?cursor=bm90LWEtY3Vyc29y", "?status=broken"]) {
      const answer = await callApi(listDevices, { path: `/devices${query}`, token: account.token });
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors[0].parameter, query).toBeTruthy();
      expectDocumented("listDevices", answer);
    }
  });

  it("keeps odd unicode intact", async () => {
    const answer = await post(newDevice("ÅÄÖ-𝒳-ﬁ-漢字"));
    expect(answer.status).toBe(201);
    expect(answer.body.device_id).toBe("ÅÄÖ-𝒳-ﬁ-漢字");
  });
});

describe("unknown endpoints", () => {
  it("answer problem+json 404, not the console's HTML page", async () => {
    const { GET: unknown } = await import("@/app/api/v1/[...path]/route");
    const answer = await callApi(unknown, { path: "/gadgets" });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(answer.body.code).toBe("no_such_endpoint");
  });
});

describe("rate limit", () => {
  it("counts requests per token, says what is left, and answers 429 with Retry-After when spent", async () => {
    const limited = await apiAccount();
    const first = await callApi(listDevices, { path: "/devices", token: limited.token });
    expect(first.headers.get("ratelimit-policy")).toBe('"per-token";q=20;w=60');
    expect(first.headers.get("ratelimit")).toMatch(/^"per-token";r=19;t=\d+$/);
    for (let i = 1; i < 20; i++) expect((await callApi(listDevices, { path: "/devices", token: limited.token })).status).toBe(200);
    const refused = await callApi(listDevices, { path: "/devices", token: limited.token });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("ratelimit")).toMatch(/r=0;/);
    expectDocumented("listDevices", refused);
    // Another token has its own budget.
    expect((await callApi(listDevices, { path: "/devices", token: account.token })).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document, served as JSON", async () => {
    const response = await openApiJson();
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document, so the check above means something.
    const { info: _info, ...broken } = document;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  // The app's route table is the folder tree under app/api/v1: every route file is an operation in
  // the document and every operation has its route file exporting the method.
  it("describes exactly the routes the app has", async () => {
    const root = path.join(process.cwd(), "app/api/v1");
    const routeFiles = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) return walk(full);
        return name === "route.ts" ? [full] : [];
      });
    })(root);
    const documented = new Set(API_OPERATIONS.map((operation) => operation.path.replace(/\{(\w+)\}/g, "[$1]")));
    for (const file of routeFiles) {
      const route = "/" + path.relative(root, path.dirname(file)).split(path.sep).join("/");
      if (route === "/openapi.json" || route === "/[...path]") continue;
      expect(documented.has(route), `${route} is described by an operation`).toBe(true);
    }
    for (const operation of API_OPERATIONS) {
      const file = path.join(root, operation.path.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
      const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      expect(typeof module[operation.method], `${operation.method} ${operation.path} is exported by ${path.relative(process.cwd(), file)}`).toBe("function");
    }
    expect(new Set(API_OPERATIONS.map((operation) => operation.operationId)).size).toBe(API_OPERATIONS.length);
  });
});
