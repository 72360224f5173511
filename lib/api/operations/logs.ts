// The event logs: webhook pushes (with redelivery), device status changes, admin changes.
import { z } from "zod";
import { notificationPayloadSchema } from "@/lib/webhooks/contract";
import { deviceLogFilterSchema, isPushId, PUSH_KINDS, pushFilterSchema, PUSH_RESULTS } from "@/lib/webhooks/event-log";
import { defineOperation, type Operation } from "../operation";
import { deviceEventSchema } from "./devices";
import { listOf, named, pageQuerySchema, timestampSchema } from "../schemas";

const TAG = "Event logs";

const pushSummaryFields = {
  push_id: z.string().describe("The push's id (msg_ + ULID), sent as the webhook-id header of each of its attempts."),
  kind: z.enum(PUSH_KINDS).describe("delivery (device changes), redelivery (sent again by an administrator) or test (a test push)."),
  result: z.enum(PUSH_RESULTS).describe("queued, sending and retrying are still in progress; succeeded, failed and held are final."),
  redelivery_of: z.string().nullable().describe("For a redelivery, the push it sent again."),
  notification_count: z.number().int().min(0).describe("How many notifications the body carries."),
  attempt_count: z.number().int().min(0),
  last_http_status: z.number().int().nullable().describe("The HTTP status of the latest attempt; null when it got no HTTP answer or none was made."),
  last_error_class: z.string().nullable().describe("Why the latest attempt failed: http_status, timeout, connection_refused, connection_reset, dns, tls, ssrf_blocked, invalid_url or network."),
  last_duration_ms: z.number().int().nullable(),
  next_attempt_at: timestampSchema.nullable().describe("When the next attempt is due, while queued or retrying."),
  created_at: timestampSchema,
  completed_at: timestampSchema.nullable().describe("When the push reached its final result."),
};

const pushSummarySchema = z.object({
  ...pushSummaryFields,
  notifications: z.array(notificationPayloadSchema).describe("The first (at most 5) notifications of the body; GET the push for all of them."),
});

const attemptSchema = z.object({
  number: z.number().int().min(1),
  started_at: timestampSchema,
  url: z.string(),
  duration_ms: z.number().int().min(0),
  succeeded: z.boolean().describe("True when the receiver answered 2xx."),
  http_status: z.number().int().nullable().describe("null when there was no HTTP answer (timeout, refused or reset connection, TLS error…)."),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
  request_headers: z.record(z.string(), z.string()).describe("As sent, with the Authorization (API key) and webhook-signature values redacted."),
  response_body: z.string().nullable().describe("The first 4 KiB of the receiver's response body, as stored."),
});

const pushDetailSchema = named(
  "WebhookPush",
  "One push with every attempt.",
  z.object({
    ...pushSummaryFields,
    notifications: z.array(notificationPayloadSchema).describe("Every notification of the body."),
    request_body: z.string().describe("The exact JSON body every attempt sent (what the signature covers)."),
    attempts: z.array(attemptSchema).describe("Oldest first."),
    redeliveries: z
      .array(z.object({ push_id: z.string(), result: z.enum(PUSH_RESULTS), created_at: timestampSchema }))
      .describe("Pushes that sent this one again, oldest first."),
  }),
);

const adminLogEntrySchema = z.object({
  id: z.string().describe("The entry's id."),
  actor: z.string().describe("A user's email, api:<token name>, cli, or system (e.g. an automatic disable)."),
  action: z.string().describe("e.g. webhook.updated, webhook.auto_disabled, webhook.secret_rotated, user.created, api_token.revoked."),
  target: z.string(),
  details: z.record(z.string(), z.unknown()).describe("What changed (e.g. before and after); secrets appear masked only."),
  created_at: timestampSchema,
});

const timeQuery = (edge: string) => timestampSchema.optional().describe(`Only pushes created ${edge} this time (inclusive), e.g. 2026-11-29T10:00:00Z.`);

export const pushIdParams = z.object({ push_id: z.string().refine(isPushId, "No push has an id like that.").describe("The push's id, msg_ + ULID.") });

export const listWebhookLog = defineOperation({
  operationId: "listWebhookLog",
  method: "GET",
  path: "/logs/webhook",
  tag: TAG,
  summary: "List webhook pushes",
  description:
    "Every push of the account, newest first, with the filters of Event Log > Webhook. A push is one request body with one webhook-id, " +
    "together with its retries.",
  scope: "logs:read",
  query: pageQuerySchema.extend({
    result: pushFilterSchema.shape.result.describe("Only pushes with this result."),
    http_status: pushFilterSchema.shape.httpStatus.describe("The latest attempt's HTTP status: a code (404), a class (5xx), or none (no HTTP answer)."),
    device_id: pushFilterSchema.shape.deviceId.describe("Only pushes that carry this device (exact id)."),
    from: timeQuery("at or after"),
    to: timeQuery("at or before"),
  }),
  success: { status: 200, description: "A page of pushes, newest first.", schema: listOf("WebhookPushList", "A page of webhook pushes.", pushSummarySchema) },
});

export const getWebhookPush = defineOperation({
  operationId: "getWebhookPush",
  method: "GET",
  path: "/logs/webhook/{push_id}",
  tag: TAG,
  summary: "Read a push with its attempts",
  description: "The push, its body and every attempt: request headers (secrets redacted), HTTP status or error, duration and the start of the response body.",
  scope: "logs:read",
  params: pushIdParams,
  success: { status: 200, description: "The push.", schema: pushDetailSchema },
});

export const redeliverWebhookPush = defineOperation({
  operationId: "redeliverWebhookPush",
  method: "POST",
  path: "/logs/webhook/{push_id}/redeliver",
  tag: TAG,
  summary: "Redeliver a push",
  description:
    "Queues the push's notifications again as a new push, with a new webhook-id, linked to the original; the dispatcher sends it " +
    "right away. Answers 409 for a push that is still in progress, or a test push (send a new test instead).",
  scope: "webhook:write",
  params: pushIdParams,
  success: {
    status: 202,
    description: "The redelivery is queued.",
    schema: named(
      "WebhookRedelivery",
      "A queued redelivery.",
      z.object({
        push_id: z.string().describe("The new push; follow it with GET /logs/webhook/{push_id}."),
        redelivery_of: z.string().describe("The push sent again."),
      }),
    ),
  },
  errors: [409],
});

export const listDeviceLog = defineOperation({
  operationId: "listDeviceLog",
  method: "GET",
  path: "/logs/devices",
  tag: TAG,
  summary: "List device status changes",
  description: "Every status change of the account's devices, newest first (Event Log > Devices): the same events as each device's history.",
  scope: "logs:read",
  query: pageQuerySchema.extend({ device_id: deviceLogFilterSchema.shape.deviceId.describe("Only this device's changes (exact id).") }),
  success: { status: 200, description: "A page of status changes, newest first.", schema: listOf("DeviceLogPage", "A page of device status changes.", deviceEventSchema) },
});

export const listAdminLog = defineOperation({
  operationId: "listAdminLog",
  method: "GET",
  path: "/logs/admin",
  tag: TAG,
  summary: "List admin activity",
  description: "The audit log, newest first (Event Log > Admin): every settings, user and API token change, with its actor.",
  scope: "logs:read",
  query: pageQuerySchema,
  success: { status: 200, description: "A page of audit entries, newest first.", schema: listOf("AdminLogPage", "A page of the audit log.", adminLogEntrySchema) },
});

export const LOG_OPERATIONS: Operation[] = [listWebhookLog, getWebhookPush, redeliverWebhookPush, listDeviceLog, listAdminLog];
