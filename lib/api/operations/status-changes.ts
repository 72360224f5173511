// Polling for status changes, for vendors that cannot receive webhooks yet.
import { z } from "zod";
import { EVENT_SETTLE_MS, STATUS_CHANGE_TIMEOUT_MS } from "@/lib/device-events";
import { defineOperation } from "../operation";
import { named, pageQuerySchema } from "../schemas";
import { deviceEventSchema } from "./devices";

export const statusChangeSchema = named(
  "StatusChange",
  "One device status change: the device event (its id is the event's id in the device's history) with the callback's timestamp.",
  deviceEventSchema.pick({ id: true, device_id: true, previous_status: true, status: true, occurred_at: true }).extend({
    timestamp: z.number().int().describe("Unix time in milliseconds of the change, exactly as the callback carries it."),
  }),
);

export const statusChangePageSchema = named(
  "StatusChangePage",
  "Status changes after the cursor, oldest first, and where to continue.",
  z.object({
    data: z.array(statusChangeSchema),
    next_cursor: z.string().describe("Pass as ?after= on the next poll. Always present, also when data is empty."),
    has_more: z.boolean().describe("true when more settled changes wait: poll again right away."),
  }),
);

export const listStatusChanges = defineOperation({
  operationId: "listStatusChanges",
  method: "GET",
  path: "/status-changes",
  tag: "Status changes",
  summary: "Poll status changes",
  description:
    "Every status change of the account's devices after the cursor, oldest first, for receivers that poll instead of (or as well as) " +
    "taking callbacks. Start without after to read from the beginning, then always pass the next_cursor of the previous answer: " +
    "no change is ever skipped or repeated. " +
    `A change is listed once it is ${EVENT_SETTLE_MS / 1000} seconds old: by then every change that happened before it has been committed, ` +
    `so nothing can appear behind the cursor later (a change is timestamped when its transaction starts, and the transaction commits within ${STATUS_CHANGE_TIMEOUT_MS / 1000} s or is rolled back). ` +
    "When has_more is true, poll again right away. The answer carries a strong ETag: send it back as If-None-Match to get 304 Not Modified " +
    "while nothing new has settled (a 304 counts against the rate limit like any request). To match a change with its callback, compare device_id, status and timestamp.",
  scope: "logs:read",
  query: z.object({
    after: z.string().min(1).max(512).optional().describe("The next_cursor of the previous answer; omit to start from the first change."),
    limit: pageQuerySchema.shape.limit,
  }),
  success: { status: 200, description: "Changes after the cursor.", schema: statusChangePageSchema },
  conditional: true,
});

export const STATUS_CHANGE_OPERATIONS = [listStatusChanges];
