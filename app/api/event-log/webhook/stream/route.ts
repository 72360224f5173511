// Live Event Log > Webhook: server-sent events telling the signed-in user's open log page that the
// account's pushes changed, so it refreshes without a reload. Session-authenticated, account-scoped.
import { getCurrentUser } from "@/lib/auth/session";
import { latestPushMarker } from "@/lib/webhooks/event-log";
import { pushChangeStream } from "@/lib/webhooks/live";
import { signedOut } from "../../problem";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) return signedOut();
  const accountId = user.account.id;
  const stream = pushChangeStream(accountId, { readMarker: () => latestPushMarker(accountId), signal: request.signal });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression from buffering the events.
      "cache-control": "no-cache, no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
