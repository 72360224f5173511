// Users of an account and their roles. Owns the users table.
import "server-only";
import { z } from "zod";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { ROLES, type Role } from "@/lib/auth/roles";
import { normalizeEmail } from "@/lib/auth/throttle";
import { PLANS, type Plan } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";

export const newUserSchema = z.object({
  accountName: z.string().trim().min(2).max(80),
  plan: z.enum(PLANS).optional(),
  email: z.email("Enter a valid email address.").transform(normalizeEmail),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(ROLES),
});
export type NewUser = z.input<typeof newUserSchema>;

export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`A user with the email ${email} already exists.`);
  }
}

export function findUserByEmail(email: string) {
  return db.user.findUnique({ where: { email: normalizeEmail(email) } });
}

// The user behind a session, with the account it belongs to; null once the user is removed.
export function findSessionUser(userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, account: { select: { id: true, name: true, plan: true } } },
  });
}

export function listUsers(accountId: string) {
  return db.user.findMany({
    where: { accountId },
    orderBy: [{ createdAt: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
}

// Adds a user with a generated first password (returned once, stored only as a hash), creating
// the account when no account has that name. The account's plan is set only when it is created.
export async function createUserWithAccount(
  input: NewUser,
  actor: string,
): Promise<{ userId: string; accountId: string; accountPlan: string; accountCreated: boolean; password: string }> {
  const data = newUserSchema.parse(input);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: data.email } })) throw new EmailTakenError(data.email);
    let account = await tx.account.findUnique({ where: { name: data.accountName } });
    const accountCreated = !account;
    account ??= await tx.account.create({ data: { name: data.accountName, plan: data.plan ?? "standard" } });
    const user = await tx.user.create({
      data: {
        email: data.email,
        name: data.name ?? data.email.split("@")[0]!,
        role: data.role,
        passwordHash,
        accountId: account.id,
      },
    });
    if (accountCreated) {
      await recordAudit(
        { accountId: account.id, actor, action: "account.created", target: "account", details: { name: account.name, plan: account.plan } },
        tx,
      );
    }
    await recordAudit(
      { accountId: account.id, actor, action: "user.created", target: `user:${user.email}`, details: { role: user.role } },
      tx,
    );
    return { userId: user.id, accountId: account.id, accountPlan: account.plan, accountCreated, password };
  });
}

export type { Role, Plan };
