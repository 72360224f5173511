import { apiRoute } from "@/lib/api/handler";
import { rotateSigningSecret } from "@/lib/api/operations/webhook";
import { PREVIOUS_SECRET_GRACE_MS, rotateSigningSecret as rotateSecret } from "@/lib/webhooks/settings";

export const dynamic = "force-dynamic";

export const POST = apiRoute(rotateSigningSecret, async ({ caller }) => {
  const now = new Date();
  const signingSecret = await rotateSecret(caller.account.id, caller.actor, now);
  return { signing_secret: signingSecret, previous_secret_valid_until: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString() };
});
