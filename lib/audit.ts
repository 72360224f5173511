// The audit log (Event Log > Admin): who changed what in an account. Owns the audit_logs table.
import "server-only";
import { db, type Prisma } from "@/lib/db";
import { newTimeOrderedId } from "@/lib/ids";
import type { Sql } from "@/lib/sql";

export type AuditEntry = {
  accountId: string;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
};

type Client = Prisma.TransactionClient | typeof db;

// Records one change; pass the transaction client so the entry commits with the change itself.
export async function recordAudit(entry: AuditEntry, client: Client = db): Promise<void> {
  await client.auditLog.create({
    data: { ...entry, details: JSON.stringify(entry.details ?? {}) },
  });
}

// The same, in a transaction of plain SQL (lib/sql.ts).
export async function recordAuditInSql(sql: Sql, entry: AuditEntry, now: Date): Promise<void> {
  await sql.insert(
    "audit_logs",
    ["id", "account_id", "actor", "action", "target", "details", "created_at"],
    [[newTimeOrderedId(), entry.accountId, entry.actor, entry.action, entry.target, JSON.stringify(entry.details ?? {}), now]],
  );
}

export async function listAuditEntries(accountId: string, limit = 50) {
  const rows = await db.auditLog.findMany({
    where: { accountId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
