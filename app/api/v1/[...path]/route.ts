// Any path under /api/v1 that no operation has: a problem+json 404 instead of the console's HTML page.
import { ApiProblem, problemResponse } from "@/lib/api/problem";

export const dynamic = "force-dynamic";

async function noSuchEndpoint(): Promise<Response> {
  return problemResponse(new ApiProblem(404, "no_such_endpoint", "There is no API endpoint at this path. The operations are listed in /api/v1/openapi.json."));
}

export { noSuchEndpoint as GET, noSuchEndpoint as POST, noSuchEndpoint as PUT, noSuchEndpoint as PATCH, noSuchEndpoint as DELETE };
