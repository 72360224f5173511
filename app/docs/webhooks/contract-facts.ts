// The facts the "Receiving webhooks" page states, from the code and configuration that deliver:
// the status list, the delivery settings of this server, and an example request built and signed
// by the same functions the dispatcher uses, so the docs cannot drift from what is sent.
import "server-only";
import type { WebhookDocsFacts } from "@/components/docs/webhooks/facts";
import { DEVICE_STATUS_DESCRIPTIONS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { deliveryConfigFromEnv } from "@/lib/webhooks/config";
import { buildPushBody } from "@/lib/webhooks/contract";
import { contractHeaders } from "@/lib/webhooks/delivery";
import { PREVIOUS_SECRET_GRACE_MS } from "@/lib/webhooks/settings";

// Published example values: the secret is "whsec_" + base64 of a 32-byte text, used nowhere else.
const EXAMPLE_SECRET = `whsec_${Buffer.from("example-secret-for-the-docs-only").toString("base64")}`;
const EXAMPLE_API_KEY = "3f9c2e7a1b5d4c8e9f0a6b2d7c1e5f4a";
const EXAMPLE_ID = "msg_01JF3Z5Q8T7V0M4N2K6H9C1B3A";
const EXAMPLE_CHANGED_AT = new Date(1764409871234);
const EXAMPLE_SENT_AT = new Date(1764409872000);

export function webhookDocsFacts(): WebhookDocsFacts {
  const config = deliveryConfigFromEnv();
  const body = buildPushBody([{ deviceId: "LAPTOP-0417", status: "non_compliant", occurredAt: EXAMPLE_CHANGED_AT }]);
  const headers = contractHeaders({ id: EXAMPLE_ID, body }, { apiKey: EXAMPLE_API_KEY, signingSecrets: [EXAMPLE_SECRET] }, EXAMPLE_SENT_AT);
  return {
    statuses: DEVICE_STATUSES.map((value) => ({ value, description: DEVICE_STATUS_DESCRIPTIONS[value] })),
    retryDelaysMs: config.retryDelaysMs,
    disableAfterFailures: config.disableAfterFailures,
    timeoutMs: config.timeoutMs,
    maxBatch: config.maxBatch,
    userAgent: config.userAgent,
    rotationGraceMs: PREVIOUS_SECRET_GRACE_MS,
    example: {
      apiKey: headers.authorization!,
      secret: EXAMPLE_SECRET,
      id: headers["webhook-id"]!,
      timestamp: headers["webhook-timestamp"]!,
      body,
      signature: headers["webhook-signature"]!,
    },
  };
}
