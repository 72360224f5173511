// One API operation, described once: the route handler validates with these schemas and the OpenAPI
// document is generated from them, so the contract and the code cannot drift apart.
import type { z } from "zod";
import type { ApiScope } from "@/lib/api-tokens";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
type ObjectSchema = z.ZodObject;

export type Operation = {
  operationId: string;
  method: HttpMethod;
  // OpenAPI form, relative to /api/v1: "/devices/{device_id}"; names match the Next.js [segments].
  path: string;
  tag: string;
  summary: string;
  description?: string;
  // null: no token needed (the OpenAPI document itself).
  scope: ApiScope | null;
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: z.ZodType;
  // The body may be left out entirely; it then parses as `{}`.
  bodyOptional?: boolean;
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  // Statuses this operation answers beyond the ones every operation of its shape can (401, 403, 429 …).
  errors?: readonly (400 | 404 | 409 | 422)[];
  // Answers ETag and honours If-None-Match with 304.
  conditional?: boolean;
};

export function defineOperation<const O extends Operation>(operation: O): O {
  return operation;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type SuccessBody<O extends Operation> = O["success"]["schema"] extends z.ZodType ? z.input<O["success"]["schema"]> : undefined;

export type OperationInput<O extends Operation> = {
  params: Output<O["params"]>;
  query: Output<O["query"]>;
  body: Output<O["body"]>;
  request: Request;
};

export type OperationResult<O extends Operation> = SuccessBody<O> | Response;

// Every status an operation can answer with a problem, for the OpenAPI document and the docs.
export function problemStatuses(operation: Operation): number[] {
  const statuses = new Set<number>([...(operation.errors ?? [])]);
  if (operation.scope) [401, 403, 429].forEach((status) => statuses.add(status));
  if (operation.query) statuses.add(400);
  if (operation.params) statuses.add(404);
  if (operation.body) [400, 413, 415, 422].forEach((status) => statuses.add(status));
  return [...statuses].sort((a, b) => a - b);
}
