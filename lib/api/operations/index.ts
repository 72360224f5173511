// Every operation of /api/v1, in the order the document lists them.
import type { Operation } from "../operation";
import { DEVICE_OPERATIONS } from "./devices";
import { LOG_OPERATIONS } from "./logs";
import { STATUS_CHANGE_OPERATIONS } from "./status-changes";
import { WEBHOOK_OPERATIONS } from "./webhook";

export const API_OPERATIONS: readonly Operation[] = [...DEVICE_OPERATIONS, ...WEBHOOK_OPERATIONS, ...LOG_OPERATIONS, ...STATUS_CHANGE_OPERATIONS];
