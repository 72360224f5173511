import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/sign-in";
import { listAuditEntries } from "@/lib/audit";
import { db } from "@/lib/db";
import { DEMO_OWNER_EMAIL, seedDemoIfEmpty } from "@/lib/seed";
import { createUserWithAccount, EmailTakenError } from "@/lib/users";

const root = path.resolve(import.meta.dirname, "../..");

function userCreate(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "scripts/user-create.ts", ...args], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
  });
}

describe("first run", () => {
  it("seeds a demo enterprise account with an owner and devices once, with a generated password", async () => {
    const first = await seedDemoIfEmpty();
    expect(first?.email).toBe(DEMO_OWNER_EMAIL);
    expect(first?.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await authenticate(DEMO_OWNER_EMAIL, first!.password)).toMatchObject({ ok: true, user: { role: "owner" } });
    const account = await db.account.findUniqueOrThrow({ where: { name: "Demo Enterprise" }, include: { devices: true } });
    expect(account.plan).toBe("enterprise");
    expect(account.devices.length).toBeGreaterThanOrEqual(3);
    expect(await seedDemoIfEmpty()).toBeNull();
  });
});

describe("adding users", () => {
  it("creates the account when it does not exist, and audits both", async () => {
    const created = await createUserWithAccount({ accountName: "Northwind", plan: "enterprise", email: "ADA@northwind.test", role: "owner" }, "cli");
    expect(created.accountCreated).toBe(true);
    const again = await createUserWithAccount({ accountName: "Northwind", email: "bo@northwind.test", role: "viewer" }, "cli");
    expect(again).toMatchObject({ accountCreated: false, accountId: created.accountId });
    const actions = (await listAuditEntries(created.accountId)).map((entry) => `${entry.action} ${entry.target}`);
    expect(actions).toEqual(expect.arrayContaining(["account.created account", "user.created user:ada@northwind.test", "user.created user:bo@northwind.test"]));
  });

  it("refuses a second user with the same email", async () => {
    await createUserWithAccount({ accountName: "Dupes", email: "dup@example.test", role: "admin" }, "cli");
    await expect(createUserWithAccount({ accountName: "Dupes", email: "DUP@example.test", role: "viewer" }, "cli")).rejects.toBeInstanceOf(EmailTakenError);
  });
});

describe("npm run user:create", () => {
  it("prints a generated password once, which signs in", async () => {
    const result = userCreate("--account", "Contoso", "--plan", "enterprise", "--email", "it@contoso.test", "--role", "admin");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Created account "Contoso" (enterprise plan).');
    const password = /Password: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await authenticate("it@contoso.test", password!)).toMatchObject({ ok: true, user: { role: "admin" } });
  });

  it("explains bad arguments with the usage line and exit code 2", () => {
    const result = userCreate("--account", "Contoso", "--email", "not-an-email", "--role", "superuser");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--email: Enter a valid email address.");
    expect(result.stderr).toContain("--role:");
    expect(result.stderr).toContain("Usage: npm run user:create");
  });

  it("refuses an email that is taken", () => {
    const result = userCreate("--account", "Contoso", "--email", "it@contoso.test", "--role", "viewer");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("A user with the email it@contoso.test already exists.");
  });
});
