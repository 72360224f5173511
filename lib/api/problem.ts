// RFC 9457 problem details: every API error, with a stable machine-readable `code` and, for bad
// input, `errors` that point at the field (JSON Pointer into the body) or the query parameter.
import "server-only";
import type { z } from "zod";

export type ProblemFieldError = { pointer?: string; parameter?: string; detail: string };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

// Thrown anywhere inside an API handler; the handler wrapper turns it into the response.
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function problemResponse(problem: ApiProblem, headers: Record<string, string> = {}): Response {
  const body = {
    type: "about:blank",
    title: TITLES[problem.status] ?? "Error",
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  return Response.json(body, {
    status: problem.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers, ...problem.headers },
  });
}

// A zod error as field errors: JSON Pointers into the body, or query parameter names.
export function fieldErrors(error: z.ZodError, where: "body" | "query" | "path"): ProblemFieldError[] {
  return error.issues.map((issue) => {
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
    const noun = where === "body" ? "field" : "parameter";
    const detail = issue.code === "unrecognized_keys" ? `Unknown ${noun}${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.` : issue.message;
    if (where === "body") return { pointer: "/" + path.map((part) => String(part).replaceAll("~", "~0").replaceAll("/", "~1")).join("/"), detail };
    return { parameter: String(path[0] ?? ""), detail };
  });
}
