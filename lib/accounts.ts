// Accounts (tenants) and their plan. Owns the accounts table.
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";

export const PLANS = ["standard", "enterprise"] as const;
export type Plan = (typeof PLANS)[number];

export const accountNameSchema = z
  .string()
  .trim()
  .min(2, "Enter at least 2 characters.")
  .max(80, "Use at most 80 characters.");

export class AccountNameTakenError extends Error {
  constructor(readonly accountName: string) {
    super(`An account named "${accountName}" already exists.`);
  }
}

export function getAccount(accountId: string) {
  return db.account.findUnique({ where: { id: accountId } });
}

// For the CLI scripts, which name accounts as operators know them.
export function findAccountByName(name: string) {
  return db.account.findUnique({ where: { name } });
}

export function countAccounts() {
  return db.account.count();
}

export async function renameAccount(accountId: string, name: string, actor: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.account.findUniqueOrThrow({ where: { id: accountId } });
    if (before.name === name) return;
    const clash = await tx.account.findUnique({ where: { name } });
    if (clash) throw new AccountNameTakenError(name);
    await tx.account.update({ where: { id: accountId }, data: { name } });
    await recordAudit(
      { accountId, actor, action: "account.renamed", target: "account", details: { before: before.name, after: name } },
      tx,
    );
  });
}
