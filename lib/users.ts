// Users of an account and their roles. Owns the users table.
import "server-only";
import { z } from "zod";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import { ROLES, type Role } from "@/lib/auth/roles";
import { normalizeEmail } from "@/lib/auth/throttle";
import { PLANS, type Plan } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import { directSql } from "@/lib/sql";

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

export type SessionUser = { id: string; email: string; name: string; role: string; account: { id: string; name: string; plan: string } };
type SessionUserRow = { id: string; email: string; name: string; role: string; account_id: string; account_name: string; account_plan: string };
const SESSION_USER = `SELECT u.id, u.email, u.name, u.role, a.id AS account_id, a.name AS account_name, a.plan AS account_plan
  FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?`;

// The user behind a session, with the account it belongs to; null once the user is removed. Read on
// every page, so a prepared statement rather than a Prisma query.
export async function findSessionUser(userId: string): Promise<SessionUser | null> {
  const [row] = await (await directSql()).all<SessionUserRow>(SESSION_USER, [userId]);
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role, account: { id: row.account_id, name: row.account_name, plan: row.account_plan } } : null;
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

// What the console's Users page may do, and who does it: the rules below depend on the actor's role.
export type UserAdminActor = { id: string; email: string; role: Role };

export const accountUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254, "Use at most 254 characters.")),
  name: z.string().trim().min(1, "Enter a name.").max(120, "Use at most 120 characters."),
  role: z.enum(ROLES, "Choose a role."),
});
export type AccountUserInput = z.input<typeof accountUserSchema>;

export class UserNotFoundError extends Error {
  constructor() {
    super("That user is not in this account.");
  }
}

// A change the rules refuse; the message is shown to the person who tried it.
export class UserAdminRuleError extends Error {
  constructor(
    readonly code: "owner_only" | "last_owner" | "self_removal",
    message: string,
  ) {
    super(message);
  }
}

const OWNER_ONLY = "Only owners can add, promote, demote or remove owners.";
const LAST_OWNER = "An account needs at least one owner. Make another user an owner first.";

type Tx = Prisma.TransactionClient;

// Serializes user changes of one account: an update of the account row is a row lock on PostgreSQL
// (SQLite transactions already take the write lock up front), so two owners demoting each other at
// once cannot both pass the last-owner check.
async function lockAccountUsers(tx: Tx, accountId: string): Promise<void> {
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true } });
  await tx.account.update({ where: { id: accountId }, data: { name: account.name } });
}

async function findAccountUser(tx: Tx, accountId: string, userId: string) {
  const user = await tx.user.findFirst({ where: { id: userId, accountId } });
  if (!user) throw new UserNotFoundError();
  return user;
}

async function ensureAnotherOwner(tx: Tx, accountId: string, userId: string): Promise<void> {
  const others = await tx.user.count({ where: { accountId, role: "owner", id: { not: userId } } });
  if (others === 0) throw new UserAdminRuleError("last_owner", LAST_OWNER);
}

// Adds a user to the actor's account (never another one) with a generated first password, which
// is returned once and stored only as a hash. Admins may add admins and viewers; owners anyone.
export async function addUserToAccount(
  accountId: string,
  input: AccountUserInput,
  actor: UserAdminActor,
): Promise<{ userId: string; email: string; password: string }> {
  const data = accountUserSchema.parse(input);
  if (data.role === "owner" && actor.role !== "owner") throw new UserAdminRuleError("owner_only", OWNER_ONLY);
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const userId = await db.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: data.email } })) throw new EmailTakenError(data.email);
      const user = await tx.user.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash, accountId } });
      await recordAudit({ accountId, actor: actor.email, action: "user.created", target: `user:${user.email}`, details: { name: user.name, role: user.role } }, tx);
      return user.id;
    });
    return { userId, email: data.email, password };
  } catch (error) {
    // Two additions of one email at once: the unique index decides.
    if ((error as { code?: string }).code === "P2002") throw new EmailTakenError(data.email);
    throw error;
  }
}

// Changes a user's role. Only owners may make or unmake owners; the last owner stays an owner.
export async function changeUserRole(accountId: string, userId: string, role: Role, actor: UserAdminActor): Promise<{ changed: boolean }> {
  return db.$transaction(async (tx) => {
    await lockAccountUsers(tx, accountId);
    const user = await findAccountUser(tx, accountId, userId);
    if (user.role === role) return { changed: false };
    if ((role === "owner" || user.role === "owner") && actor.role !== "owner") throw new UserAdminRuleError("owner_only", OWNER_ONLY);
    if (user.role === "owner") await ensureAnotherOwner(tx, accountId, userId);
    await tx.user.update({ where: { id: user.id }, data: { role } });
    await recordAudit({ accountId, actor: actor.email, action: "user.role_changed", target: `user:${user.email}`, details: { before: user.role, after: role } }, tx);
    return { changed: true };
  });
}

// Removes a user from the account; their sessions end on the next request. Nobody removes
// themselves, only owners remove owners, and the last owner stays.
export async function removeUser(accountId: string, userId: string, actor: UserAdminActor): Promise<{ email: string }> {
  return db.$transaction(async (tx) => {
    await lockAccountUsers(tx, accountId);
    const user = await findAccountUser(tx, accountId, userId);
    if (user.id === actor.id) throw new UserAdminRuleError("self_removal", "You cannot remove yourself. Ask another owner or admin.");
    if (user.role === "owner" && actor.role !== "owner") throw new UserAdminRuleError("owner_only", OWNER_ONLY);
    if (user.role === "owner") await ensureAnotherOwner(tx, accountId, userId);
    await tx.user.delete({ where: { id: user.id } });
    await recordAudit({ accountId, actor: actor.email, action: "user.removed", target: `user:${user.email}`, details: { name: user.name, role: user.role } }, tx);
    return { email: user.email };
  });
}

export type { Role, Plan };
