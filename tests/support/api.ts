// Calls /api/v1 route handlers in-process with real Requests against the test file's database, and
// checks answers against the OpenAPI document the app serves.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { API_SCOPES, createApiToken, type ApiScope } from "@/lib/api-tokens";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { createUserWithAccount } from "@/lib/users";

let sequence = 0;

// A fresh account (enterprise unless asked) with an owner, and a token with the given scopes.
export async function apiAccount(options: { plan?: "enterprise" | "standard"; scopes?: ApiScope[] } = {}) {
  sequence++;
  const { accountId } = await createUserWithAccount(
    { accountName: `API ${sequence} ${Date.now()}`, plan: options.plan ?? "enterprise", email: `api${sequence}.${Date.now()}@api.test`, role: "owner" },
    "test",
  );
  const { token } = await apiToken(accountId, options.scopes);
  return { accountId, token };
}

export function apiToken(accountId: string, scopes: ApiScope[] = [...API_SCOPES], expiresInDays: number | null = null) {
  return createApiToken(accountId, { name: `test token ${++sequence}`, scopes, expiresInDays }, "test");
}

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type ApiAnswer = { status: number; headers: Headers; body: any; text: string };

// Sends one request to a route handler. `body` objects are sent as JSON; strings are sent as they are.
export async function callApi(
  handler: RouteHandler,
  options: { method?: string; path: string; token?: string; body?: unknown; headers?: Record<string, string>; params?: Record<string, string> },
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const request = new Request(`http://127.0.0.1/api/v1${options.path}`, { method: options.method ?? "GET", headers: { ...headers, ...options.headers }, body });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, body: json, text };
}

const document = buildOpenApiDocument() as any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The whole document is one schema resource, so "#/components/schemas/…" references resolve inside it.
ajv.addSchema({ $id: "openapi.json", components: document.components }, "openapi.json");
const schemaFor = (ref: string) => ajv.getSchema(`openapi.json${ref}`)!;

// Asserts that an answer is what the document promises for this operation and status.
export function expectDocumented(operationId: string, answer: ApiAnswer): void {
  const operation = Object.values(document.paths as Record<string, Record<string, any>>)
    .flatMap((item) => Object.values(item))
    .find((candidate) => candidate.operationId === operationId);
  expect(operation, `operation ${operationId} in the document`).toBeDefined();
  let response = operation.responses[String(answer.status)];
  expect(response, `${operationId} documents status ${answer.status}`).toBeDefined();
  if (response.$ref) response = document.components.responses[response.$ref.split("/").pop()];
  const content = response.content as Record<string, { schema: { $ref: string } }> | undefined;
  if (!content) {
    expect(answer.text).toBe("");
    return;
  }
  const [mediaType, { schema }] = Object.entries(content)[0]!;
  expect(answer.headers.get("content-type")).toContain(mediaType);
  const validate = schemaFor(schema.$ref);
  const valid = validate(answer.body);
  expect(valid, `${operationId} ${answer.status} body: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

// Validates a callback body against the document's `webhooks` entry.
export function expectDocumentedCallback(body: unknown): void {
  const ref = document.webhooks.deviceStatusChanged.post.requestBody.content["application/json"].schema.$ref;
  const validate = schemaFor(ref);
  expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
}
