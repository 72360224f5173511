// Errors of the event-log APIs as RFC 9457 problem details, so scripts get a reason they can read.
export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return Response.json(
    { type: "about:blank", title, status, detail, ...extra },
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } },
  );
}

export function signedOut(): Response {
  return problem(401, "Unauthorized", "Sign in to the console to read the event log.");
}
