// Claims that several processes make at once on PostgreSQL: row locks (FOR UPDATE SKIP LOCKED in the
// claims of pushes.ts and outbox.ts), so concurrent dispatchers split the rows instead of waiting for
// (or double-taking) each other's. On SQLite, BEGIN IMMEDIATE already serializes these transactions.
import "server-only";
import { sqlOnPostgres } from "@/lib/sql";

// Appended to a claim's SELECT: on PostgreSQL, lock the rows and skip those another dispatcher holds.
export const SKIP_LOCKED = sqlOnPostgres ? " FOR UPDATE SKIP LOCKED" : "";

// Appended to a SELECT that picks rows to update: on PostgreSQL, lock them in the SELECT's order.
export const FOR_UPDATE = sqlOnPostgres ? " FOR UPDATE" : "";
