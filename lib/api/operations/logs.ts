// The event logs: webhook pushes (with redelivery), device status changes, admin changes.
import type { Operation } from "../operation";

export const LOG_OPERATIONS: Operation[] = [];
