import { beforeEach, describe, expect, it } from "vitest";
import { listAuditEntries } from "@/lib/audit";
import { authenticate } from "@/lib/auth/sign-in";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import {
  addUserToAccount,
  changeUserRole,
  createUserWithAccount,
  EmailTakenError,
  listUsers,
  removeUser,
  UserAdminRuleError,
  UserNotFoundError,
  type UserAdminActor,
} from "@/lib/users";

let sequence = 0;
let accountId: string;
let owner: UserAdminActor;
let admin: UserAdminActor;

// A user row without password hashing (keeps the file fast); only addUserToAccount needs a real one.
async function member(role: Role, forAccount = accountId): Promise<UserAdminActor> {
  const email = `${role}${++sequence}@people.test`;
  const user = await db.user.create({ data: { email, name: `${role} ${sequence}`, role, passwordHash: "x", accountId: forAccount } });
  return { id: user.id, email, role };
}

async function newAccount(name: string) {
  return (await db.account.create({ data: { name: `${name} ${++sequence}`, plan: "enterprise" } })).id;
}

const roleOf = async (userId: string) => (await db.user.findUnique({ where: { id: userId } }))?.role;
const auditActions = async () => (await listAuditEntries(accountId)).map((entry) => `${entry.action} ${entry.target} by ${entry.actor}`);

beforeEach(async () => {
  accountId = await newAccount("People");
  owner = await member("owner");
  admin = await member("admin");
});

describe("adding a user to the current account", () => {
  it("creates the user in the actor's account with a generated password that signs in, and audits it", async () => {
    const added = await addUserToAccount(accountId, { email: " New.Person@People.TEST ", name: "New Person", role: "viewer" }, admin);
    expect(added.email).toBe("new.person@people.test");
    expect(added.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await db.user.findUniqueOrThrow({ where: { id: added.userId } });
    expect(stored).toMatchObject({ accountId, role: "viewer", name: "New Person" });
    expect(stored.passwordHash).not.toContain(added.password);
    expect(await authenticate("new.person@people.test", added.password)).toMatchObject({ ok: true, user: { role: "viewer" } });
    expect(await auditActions()).toContain(`user.created user:new.person@people.test by ${admin.email}`);
    const entry = (await listAuditEntries(accountId)).find((row) => row.action === "user.created")!;
    expect(JSON.stringify(entry.details)).not.toContain(added.password);
  });

  it("refuses an email taken in any account, whatever its case", async () => {
    const elsewhere = await member("viewer", await newAccount("Elsewhere"));
    await expect(addUserToAccount(accountId, { email: elsewhere.email.toUpperCase(), name: "Clash", role: "viewer" }, owner)).rejects.toBeInstanceOf(EmailTakenError);
    expect(await db.user.count({ where: { accountId } })).toBe(2);
  });

  it("lets owners add owners but not admins", async () => {
    await expect(addUserToAccount(accountId, { email: "boss@people.test", name: "Boss", role: "owner" }, admin)).rejects.toMatchObject({ code: "owner_only" });
    expect(await db.user.findUnique({ where: { email: "boss@people.test" } })).toBeNull();
    const added = await addUserToAccount(accountId, { email: "boss@people.test", name: "Boss", role: "owner" }, owner);
    expect(await roleOf(added.userId)).toBe("owner");
  });

  it("validates its input", async () => {
    await expect(addUserToAccount(accountId, { email: "not-an-email", name: "X", role: "viewer" }, owner)).rejects.toThrow();
    await expect(addUserToAccount(accountId, { email: "ok@people.test", name: " ", role: "viewer" }, owner)).rejects.toThrow();
  });
});

describe("changing a role", () => {
  it("changes the role and audits before and after", async () => {
    const viewer = await member("viewer");
    expect(await changeUserRole(accountId, viewer.id, "admin", admin)).toEqual({ changed: true });
    expect(await roleOf(viewer.id)).toBe("admin");
    const entry = (await listAuditEntries(accountId)).find((row) => row.action === "user.role_changed")!;
    expect(entry).toMatchObject({ actor: admin.email, target: `user:${viewer.email}`, details: { before: "viewer", after: "admin" } });
  });

  it("records nothing when the role stays the same", async () => {
    const viewer = await member("viewer");
    expect(await changeUserRole(accountId, viewer.id, "viewer", owner)).toEqual({ changed: false });
    expect(await auditActions()).toEqual([]);
  });

  it("lets only owners promote to owner or demote an owner", async () => {
    const viewer = await member("viewer");
    const second = await member("owner");
    await expect(changeUserRole(accountId, viewer.id, "owner", admin)).rejects.toMatchObject({ code: "owner_only" });
    await expect(changeUserRole(accountId, admin.id, "owner", admin)).rejects.toMatchObject({ code: "owner_only" });
    await expect(changeUserRole(accountId, second.id, "viewer", admin)).rejects.toMatchObject({ code: "owner_only" });
    expect([await roleOf(viewer.id), await roleOf(admin.id), await roleOf(second.id)]).toEqual(["viewer", "admin", "owner"]);
    await changeUserRole(accountId, viewer.id, "owner", owner);
    await changeUserRole(accountId, second.id, "admin", owner);
    expect([await roleOf(viewer.id), await roleOf(second.id)]).toEqual(["owner", "admin"]);
  });

  it("keeps the last owner an owner, and lets an owner step down once there is another", async () => {
    await expect(changeUserRole(accountId, owner.id, "admin", owner)).rejects.toSatisfy(
      (error) => error instanceof UserAdminRuleError && error.code === "last_owner" && /at least one owner/.test(error.message),
    );
    expect(await roleOf(owner.id)).toBe("owner");
    await changeUserRole(accountId, admin.id, "owner", owner);
    await changeUserRole(accountId, owner.id, "admin", owner);
    expect(await roleOf(owner.id)).toBe("admin");
  });

  it("keeps one owner when two owners demote each other at once", async () => {
    const second = await member("owner");
    const results = await Promise.allSettled([changeUserRole(accountId, owner.id, "admin", second), changeUserRole(accountId, second.id, "admin", owner)]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { accountId, role: "owner" } })).toBe(1);
  });
});

describe("removing a user", () => {
  it("removes the user, ends their access and audits it", async () => {
    const viewer = await member("viewer");
    expect(await removeUser(accountId, viewer.id, admin)).toEqual({ email: viewer.email });
    expect(await db.user.findUnique({ where: { id: viewer.id } })).toBeNull();
    expect((await listUsers(accountId)).map((user) => user.email)).not.toContain(viewer.email);
    const entry = (await listAuditEntries(accountId)).find((row) => row.action === "user.removed")!;
    expect(entry).toMatchObject({ actor: admin.email, target: `user:${viewer.email}`, details: { role: "viewer" } });
  });

  it("refuses self-removal, even with another owner", async () => {
    await member("owner");
    await expect(removeUser(accountId, owner.id, owner)).rejects.toMatchObject({ code: "self_removal" });
    await expect(removeUser(accountId, admin.id, admin)).rejects.toMatchObject({ code: "self_removal" });
    expect(await db.user.count({ where: { accountId } })).toBe(3);
  });

  it("lets only owners remove owners, and never the last one", async () => {
    const second = await member("owner");
    await expect(removeUser(accountId, second.id, admin)).rejects.toMatchObject({ code: "owner_only" });
    await removeUser(accountId, second.id, owner);
    // The last owner, removed by an owner who is no longer there (a stale session): still refused.
    await expect(removeUser(accountId, owner.id, { ...second, role: "owner" })).rejects.toMatchObject({ code: "last_owner" });
    expect(await roleOf(owner.id)).toBe("owner");
  });
});

describe("account scoping", () => {
  it("treats a user of another account as not found, and changes nothing there", async () => {
    const otherAccount = await newAccount("Other");
    const stranger = await member("viewer", otherAccount);
    await expect(changeUserRole(accountId, stranger.id, "admin", owner)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(removeUser(accountId, stranger.id, owner)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(changeUserRole(accountId, "no-such-user", "admin", owner)).rejects.toBeInstanceOf(UserNotFoundError);
    expect(await roleOf(stranger.id)).toBe("viewer");
    expect(await listAuditEntries(otherAccount)).toEqual([]);
    expect(await auditActions()).toEqual([]);
  });

  it("adds users only to the given account, whatever accounts exist by name", async () => {
    const { accountId: acme } = await createUserWithAccount({ accountName: `Acme ${++sequence}`, email: `boss${sequence}@acme.test`, role: "owner" }, "cli");
    const added = await addUserToAccount(accountId, { email: `new${sequence}@people.test`, name: "New", role: "admin" }, owner);
    expect((await db.user.findUniqueOrThrow({ where: { id: added.userId } })).accountId).toBe(accountId);
    expect(await db.user.count({ where: { accountId: acme } })).toBe(1);
  });
});
