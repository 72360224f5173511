// The OpenAPI 3.1 document of /api/v1, generated from the operations' zod schemas and the callback
// contract, so documentation, validation and code share one source of truth.
import { z } from "zod";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "@/lib/api-tokens";
import { pushBodySchema } from "@/lib/webhooks/contract";
import { MAX_BODY_BYTES } from "./limits";
import { API_OPERATIONS } from "./operations";
import { problemStatuses, type Operation } from "./operation";
import { apiSchemas, named } from "./schemas";

type JsonObject = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

const callbackBodySchema = named(
  "StatusChangeNotifications",
  "The body of a callback: one or more status changes of the account's devices, oldest first.",
  pushBodySchema,
);

function schemaId(schema: z.ZodType, where: string): string {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error(`${where}: register the schema with named() so the document can name it`);
  return id;
}

function jsonContent(schema: z.ZodType, where: string) {
  return { "application/json": { schema: { $ref: componentRef(schemaId(schema, where)) } } };
}

// Path and query parameters, one per property, with their own JSON Schema.
function parameters(operation: Operation): JsonObject[] {
  const list: JsonObject[] = [];
  for (const [where, object] of [["path", operation.params], ["query", operation.query]] as const) {
    if (!object) continue;
    for (const [name, property] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const schema = z.toJSONSchema(property, { io: "input", unrepresentable: "any" }) as JsonObject;
      const { description, $schema: _dialect, ...rest } = schema;
      list.push({ name, in: where, required: where === "path" || !property.safeParse(undefined).success, description, schema: rest });
    }
  }
  return list;
}

function operationObject(operation: Operation): JsonObject {
  const where = `${operation.method} ${operation.path}`;
  const responses: JsonObject = {
    [operation.success.status]: {
      description: operation.success.description,
      ...(operation.success.schema && operation.success.status !== 204 ? { content: jsonContent(operation.success.schema, where) } : {}),
      ...(operation.conditional ? { headers: { ETag: { description: "Strong validator of this answer; send it back as If-None-Match.", schema: { type: "string" } } } } : {}),
    },
  };
  if (operation.conditional) responses["304"] = { description: "Not modified: nothing changed since the ETag you sent." };
  for (const status of problemStatuses(operation)) {
    responses[status] = { $ref: `#/components/responses/Problem${status}` };
  }
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(operation.scope ? { security: [{ bearerAuth: [operation.scope] }], "x-required-scope": operation.scope } : { security: [] }),
    parameters: parameters(operation),
    ...(operation.body ? { requestBody: { required: !operation.bodyOptional, content: jsonContent(operation.body, where) } } : {}),
    responses,
  };
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed JSON, or a query parameter or cursor that is not valid.",
  401: "No token, or a token that is unknown, revoked or expired.",
  403: "The token lacks the required scope, or the account's plan does not include this.",
  404: "No such object in the token's account.",
  409: "The request conflicts with the current state (for example, the device already exists).",
  413: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
  415: "The body is not sent as application/json.",
  422: "The body is valid JSON but not a valid request; `errors` points at each field.",
  429: "The token's rate limit is spent; wait Retry-After seconds.",
};

// The whole document, as served at /api/v1/openapi.json.
export function buildOpenApiDocument(serverUrl = "/api/v1"): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const operation of API_OPERATIONS) {
    (paths[operation.path] ??= {})[operation.method.toLowerCase()] = operationObject(operation);
  }
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: componentRef, io: "output", unrepresentable: "any" }) as { schemas: Record<string, JsonObject> };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  const rateLimitHeaders = {
    RateLimit: { description: 'Remaining requests and seconds until the window resets, e.g. "per-token";r=599;t=42.', schema: { type: "string" } },
    "RateLimit-Policy": { description: 'The budget, e.g. "per-token";q=600;w=60.', schema: { type: "string" } },
  };
  const problemResponses = Object.fromEntries(
    Object.entries(PROBLEM_DESCRIPTIONS).map(([status, description]) => [
      `Problem${status}`,
      {
        description,
        content: { "application/problem+json": { schema: { $ref: componentRef("Problem") } } },
        headers: status === "429" ? { ...rateLimitHeaders, "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } : rateLimitHeaders,
      },
    ]),
  );
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Compliance Webhooks API",
      version: "1",
      description:
        "Manage devices, the webhook integration and the event logs of one account. Authenticate with an API token " +
        "(Settings > API tokens): `Authorization: Bearer <token>`. Scopes: " +
        API_SCOPES.map((scope) => `\`${scope}\` (${API_SCOPE_DESCRIPTIONS[scope]})`).join(", ") +
        ". Errors are RFC 9457 problem details. Lists answer `{\"data\": [...], \"next_cursor\": ...}`.",
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(API_OPERATIONS.map((operation) => operation.tag))].map((name) => ({ name })),
    paths,
    webhooks: {
      deviceStatusChanged: {
        post: {
          summary: "Device status changed",
          description:
            "Sent to the account's callback URL for each batch of subscribed status changes. Any 2xx is success; anything else " +
            "is retried (by default after 4 s and after 60 s) under the same webhook-id. Verify webhook-signature (Standard Webhooks) and ignore ids you have seen.",
          parameters: [
            { name: "Authorization", in: "header", required: true, description: "The API key configured for the webhook, exactly, with no scheme.", schema: { type: "string" } },
            { name: "webhook-id", in: "header", required: true, description: "Stable id of this push (msg_ + ULID), the same on every retry.", schema: { type: "string", pattern: "^msg_[0-9A-HJKMNP-TV-Z]{26}$" } },
            { name: "webhook-timestamp", in: "header", required: true, description: "Unix seconds of this attempt.", schema: { type: "string", pattern: "^[0-9]+$" } },
            { name: "webhook-signature", in: "header", required: true, description: "Space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body>.", schema: { type: "string" } },
          ],
          requestBody: { required: true, content: jsonContent(callbackBodySchema, "webhook") },
          responses: { "2XX": { description: "Received; the push is done." }, default: { description: "Failed; the push is retried." } },
        },
      },
    },
    components: {
      schemas,
      responses: problemResponses,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token, cwc_…; each operation names the scope it needs." } },
    },
  };
}
