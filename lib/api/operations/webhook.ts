// The webhook integration: read, replace, test, enable, rotate the signing secret.
import type { Operation } from "../operation";

export const WEBHOOK_OPERATIONS: Operation[] = [];
