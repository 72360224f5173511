// Wraps an operation's handler into a Next.js route handler: bearer-token authentication, the rate
// limit, scope check, path/query/body validation, conditional GETs and problem+json for every error.
import "server-only";
import { createHash } from "node:crypto";
import { authenticateApiToken, type ApiCaller } from "@/lib/api-tokens";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { problemFor } from "./errors";
import { MAX_BODY_BYTES } from "./limits";
import type { Operation, OperationInput, OperationResult } from "./operation";
import { ApiProblem, fieldErrors, problemResponse } from "./problem";
import { RateLimiter, rateLimitHeaders } from "./rate-limit";


const globalForApi = globalThis as unknown as { apiRateLimiter?: RateLimiter };
const limiter = (globalForApi.apiRateLimiter ??= new RateLimiter(env.API_RATE_LIMIT_PER_MINUTE));

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };
type Handler<O extends Operation> = (input: OperationInput<O> & { caller: ApiCaller }) => Promise<OperationResult<O>>;

// The route handler for one operation: `export const GET = apiRoute(listDevices, async (input) => ...)`.
export function apiRoute<O extends Operation>(operation: O, handle: Handler<O>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    let headers: Record<string, string> = {};
    try {
      const caller = await authenticate(request);
      const decision = limiter.take(caller.tokenId);
      headers = rateLimitHeaders(decision);
      if (!decision.allowed) throw new ApiProblem(429, "rate_limited", `This token may make ${decision.limit} requests a minute; try again in ${decision.resetSeconds} s.`);
      if (operation.scope && !caller.scopes.includes(operation.scope)) {
        throw new ApiProblem(403, "insufficient_scope", `This token lacks the "${operation.scope}" scope this request needs.`);
      }
      const input = {
        caller,
        request,
        params: operation.params ? parseParams(operation, await context.params) : undefined,
        query: operation.query ? parseQuery(operation, new URL(request.url).searchParams) : undefined,
        body: operation.body ? await parseBody(operation, request) : undefined,
      } as OperationInput<O> & { caller: ApiCaller };
      const result = await handle(input);
      const response = result instanceof Response ? result : successResponse(operation, result, request);
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      return response;
    } catch (error) {
      const problem = problemFor(error);
      if (problem) return problemResponse(problem, headers);
      logger.error({ err: error, operation: operation.operationId }, "API request failed");
      return problemResponse(new ApiProblem(500, "internal_error", "The request could not be completed. It has been logged; try again later."), headers);
    }
  };
}

async function authenticate(request: Request): Promise<ApiCaller> {
  const authorization = request.headers.get("authorization");
  const challenge = { "www-authenticate": 'Bearer realm="api"' };
  if (!authorization) {
    const detail = request.headers.has("cookie")
      ? "The API does not accept session cookies. Send an API token: Authorization: Bearer <token>."
      : "Send an API token: Authorization: Bearer <token>. Create one under Settings > API tokens.";
    throw new ApiProblem(401, "unauthenticated", detail, undefined, challenge);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new ApiProblem(401, "unauthenticated", "Use the Bearer scheme: Authorization: Bearer <token>.", undefined, challenge);
  const caller = await authenticateApiToken(match[1]!);
  if (!caller) throw new ApiProblem(401, "invalid_token", "The token is unknown, revoked or expired.", undefined, { "www-authenticate": 'Bearer realm="api", error="invalid_token"' });
  return caller;
}

function parseParams(operation: Operation, raw: Record<string, string | string[] | undefined>) {
  const parsed = operation.params!.safeParse(raw);
  // A path that cannot name an object names none: 404, like an unknown id.
  if (!parsed.success) throw new ApiProblem(404, "not_found", parsed.error.issues[0]?.message ?? "No such object.");
  return parsed.data;
}

function parseQuery(operation: Operation, searchParams: URLSearchParams) {
  const raw: Record<string, string> = {};
  for (const [name, value] of searchParams) {
    if (name in raw) throw new ApiProblem(400, "invalid_query", `Give the query parameter "${name}" once.`, [{ parameter: name, detail: "Repeated parameter." }]);
    raw[name] = value;
  }
  const parsed = operation.query!.strict().safeParse(raw);
  if (!parsed.success) throw new ApiProblem(400, "invalid_query", "One or more query parameters are not valid; see errors.", fieldErrors(parsed.error, "query"));
  return parsed.data;
}

async function parseBody(operation: Operation, request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (operation.bodyOptional && !contentType && !request.body) return operation.body!.parse({});
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw new ApiProblem(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.", undefined, { "accept-post": "application/json" });
  }
  const text = await readLimited(request, MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiProblem(400, "malformed_json", "The body is not valid JSON.");
  }
  const parsed = operation.body!.safeParse(json);
  if (!parsed.success) throw new ApiProblem(422, "validation_failed", "The request body is not valid; see errors.", fieldErrors(parsed.error, "body"));
  return parsed.data;
}

// Reads at most `limit` bytes, refusing early on a declared or actual larger body.
async function readLimited(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new ApiProblem(413, "body_too_large", `The body may be at most ${limit / 1024} KiB.`);
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiProblem(400, "malformed_json", "The body is not valid UTF-8.");
  }
}

function successResponse(operation: Operation, result: unknown, request: Request): Response {
  const { status, schema } = operation.success;
  if (!schema || status === 204) return new Response(null, { status: 204 });
  // The response is checked against the documented schema: a mismatch is our bug, never the caller's.
  const checked = schema.safeParse(result);
  if (!checked.success) throw new Error(`${operation.operationId} answered outside its schema: ${checked.error.message}`);
  const body = JSON.stringify(checked.data);
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
  if (operation.conditional) {
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    headers.etag = etag;
    headers["cache-control"] = "private, no-cache";
    if (ifNoneMatch(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  }
  return new Response(body, { status, headers });
}

function ifNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((candidate) => candidate.trim() === etag);
}
