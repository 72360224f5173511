// Polling for status changes, for vendors that cannot receive webhooks yet.
import type { Operation } from "../operation";

export const STATUS_CHANGE_OPERATIONS: Operation[] = [];
