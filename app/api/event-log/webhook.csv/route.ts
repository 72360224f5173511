// CSV export of Event Log > Webhook with the list's filters (same query parameters), streamed in
// keyset pages so a large export never sits in memory. Session-authenticated, account-scoped.
import { getCurrentUser } from "@/lib/auth/session";
import { pushesCsvStream, readPushFilter } from "@/lib/webhooks/event-log";
import { problem, signedOut } from "../problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) return signedOut();
  const { filter, errors } = readPushFilter(new URL(request.url).searchParams);
  if (Object.keys(errors).length > 0) {
    return problem(400, "Invalid filter", "One or more filters are not valid; see errors.", { errors });
  }
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");
  return new Response(pushesCsvStream(user.account.id, filter), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="webhook-pushes-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
