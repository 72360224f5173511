// API tokens as their owners meet them: created once and stored only as a hash, listed per account,
// refused from the moment they are revoked or expire, audited; and `npm run token:create` run as a process.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listDevices } from "@/app/api/v1/devices/route";
import { ApiTokenNotFoundError, authenticateApiToken, createApiToken, listApiTokens, newApiTokenSchema, revokeApiToken } from "@/lib/api-tokens";
import { listAuditEntries } from "@/lib/audit";
import { sqliteFilePath } from "@/lib/database-url";
import { db } from "@/lib/db";
import { createUserWithAccount } from "@/lib/users";
import { callApi, expectDocumented } from "../support/api";

const root = path.resolve(import.meta.dirname, "../..");
const DAY = 86_400_000;
const ACCOUNT = "Token Works";

function tokenCreate(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/token-create.ts", ...args], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
  });
}

// Every byte of the test database, write-ahead log included, as text to search; on PostgreSQL,
// whose files are the server's, every row of every table as text.
async function databaseBytes(): Promise<string> {
  const file = sqliteFilePath(process.env.DATABASE_URL!);
  if (file) return [file, `${file}-wal`].filter(existsSync).map((name) => readFileSync(name).toString("latin1")).join("");
  const tables = await db.$queryRawUnsafe<{ name: string }[]>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()");
  const rows = await Promise.all(tables.map(({ name }) => db.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${name}" t`)));
  return rows.flat().map(({ row }) => row).join("\n");
}

const countTokens = () => db.apiToken.count();

let accountId: string;
let otherAccountId: string;
beforeAll(async () => {
  ({ accountId } = await createUserWithAccount({ accountName: ACCOUNT, plan: "enterprise", email: "owner@tokenworks.test", role: "owner" }, "test"));
  ({ accountId: otherAccountId } = await createUserWithAccount({ accountName: "Elsewhere Ltd", plan: "enterprise", email: "owner@elsewhere.test", role: "owner" }, "test"));
});

describe("creating a token", () => {
  it("returns the token once and stores only its hash: the secret part is nowhere in the database", async () => {
    const now = new Date("2025-03-01T10:00:00Z");
    const { token, view } = await createApiToken(accountId, { name: "  MDM sync  ", scopes: ["logs:read", "devices:read"], expiresInDays: 30 }, "owner@tokenworks.test", now);
    expect(token).toMatch(/^cwc_[A-Za-z0-9_-]{43}$/);
    expect(view).toMatchObject({
      name: "MDM sync",
      prefix: token.slice(0, 10),
      scopes: ["devices:read", "logs:read"],
      createdBy: "owner@tokenworks.test",
      createdAt: now,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      lastUsedAt: null,
      revokedAt: null,
    });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    const stored = await databaseBytes();
    expect(stored).toContain(row.tokenHash);
    expect(stored).not.toContain(token.slice(4));
    expect(stored).not.toContain(token.slice(10, 30));
  });

  it("expires after the chosen number of days, or never", async () => {
    const now = new Date();
    const week = await createApiToken(accountId, { name: "Week", scopes: ["devices:read"], expiresInDays: 7 }, "test", now);
    const forever = await createApiToken(accountId, { name: "Forever", scopes: ["devices:read"], expiresInDays: null }, "test", now);
    expect(week.view.expiresAt).toEqual(new Date(now.getTime() + 7 * DAY));
    expect(forever.view.expiresAt).toBeNull();
  });

  it("refuses bad input with messages a person can act on, and stores nothing", async () => {
    const before = await countTokens();
    const messages = (input: unknown) => newApiTokenSchema.safeParse(input).error?.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    expect(messages({ name: " ", scopes: [], expiresInDays: 0 })).toEqual([
      "name: Enter a name that says what the token is for.",
      "scopes: Choose at least one scope.",
      "expiresInDays: Use at least 1 day.",
    ]);
    expect(messages({ name: "x".repeat(101), scopes: ["admin:all"], expiresInDays: 1.5 })).toEqual([
      "name: Use at most 100 characters.",
      "scopes: Choose scopes from the list.",
      "expiresInDays: Use a whole number of days.",
    ]);
    await expect(createApiToken(accountId, { name: "Bad", scopes: ["admin:all" as never], expiresInDays: 3651 }, "test")).rejects.toThrow();
    expect(await countTokens()).toBe(before);
  });

  it("lists each account's own tokens, newest first, without hash or secret", async () => {
    const mine = await createApiToken(accountId, { name: "Newest here", scopes: ["webhook:read"], expiresInDays: 90 }, "test");
    const theirs = await createApiToken(otherAccountId, { name: "Theirs", scopes: ["webhook:read"], expiresInDays: 90 }, "test");
    const list = await listApiTokens(accountId);
    expect(list[0]).toMatchObject({ id: mine.view.id, name: "Newest here" });
    expect(list.map((token) => token.id)).not.toContain(theirs.view.id);
    expect(Object.keys(list[0]!).sort()).toEqual(["createdAt", "createdBy", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"]);
    expect(JSON.stringify(list)).not.toContain(mine.token);
  });
});

describe("authenticating with a token", () => {
  it("answers for the token's account with its scopes, and names the token (not the secret) as the actor", async () => {
    const { token, view } = await createApiToken(accountId, { name: "Reporter", scopes: ["logs:read"], expiresInDays: null }, "test");
    const caller = await authenticateApiToken(token);
    expect(caller).toEqual({
      tokenId: view.id,
      scopes: ["logs:read"],
      account: { id: accountId, name: ACCOUNT, plan: "enterprise" },
      actor: `api:Reporter (${token.slice(0, 10)}…)`,
    });
  });

  it("refuses unknown, malformed and overlong tokens", async () => {
    const { token } = await createApiToken(accountId, { name: "Real", scopes: ["logs:read"], expiresInDays: null }, "test");
    const lookalike = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const candidate of [lookalike, token.slice(4), `${token} `, "cwc_", `cwc_${"a".repeat(300)}`, ""]) {
      expect(await authenticateApiToken(candidate), JSON.stringify(candidate.slice(0, 12))).toBeNull();
    }
  });

  it("refuses a token from the moment it expires", async () => {
    const created = new Date(Date.now() - 60_000);
    const { token, view } = await createApiToken(accountId, { name: "Short", scopes: ["devices:read"], expiresInDays: 7 }, "test", created);
    expect(await authenticateApiToken(token, new Date(view.expiresAt!.getTime() - 1))).not.toBeNull();
    expect(await authenticateApiToken(token, view.expiresAt!)).toBeNull();
    expect(await authenticateApiToken(token, new Date(view.expiresAt!.getTime() + DAY))).toBeNull();
  });

  it("refuses a token from the very next request after it is revoked", async () => {
    const { token, view } = await createApiToken(accountId, { name: "Soon revoked", scopes: ["devices:read"], expiresInDays: 30 }, "test");
    const ok = await callApi(listDevices, { path: "/devices", token });
    expect(ok.status).toBe(200);
    expectDocumented("listDevices", ok);
    await revokeApiToken(accountId, view.id, "owner@tokenworks.test");
    const refused = await callApi(listDevices, { path: "/devices", token });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: "invalid_token" });
    expectDocumented("listDevices", refused);
    expect(await authenticateApiToken(token)).toBeNull();
  });

  it("records the last use at most once a minute", async () => {
    const { token, view } = await createApiToken(accountId, { name: "Busy", scopes: ["devices:read"], expiresInDays: null }, "test");
    const lastUsed = async () => (await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt;
    const first = new Date();
    await authenticateApiToken(token, first);
    expect(await lastUsed()).toEqual(first);
    await authenticateApiToken(token, new Date(first.getTime() + 59_999));
    expect(await lastUsed()).toEqual(first);
    const minuteLater = new Date(first.getTime() + 60_000);
    await authenticateApiToken(token, minuteLater);
    expect(await lastUsed()).toEqual(minuteLater);
    expect((await listApiTokens(accountId)).find((token) => token.id === view.id)?.lastUsedAt).toEqual(minuteLater);
  });
});

describe("revoking a token", () => {
  it("is audited with name and prefix (never the token), once: revoking again changes nothing", async () => {
    const { token, view } = await createApiToken(accountId, { name: "Audited", scopes: ["devices:write", "devices:read"], expiresInDays: 365 }, "owner@tokenworks.test");
    const first = await revokeApiToken(accountId, view.id, "admin@tokenworks.test");
    const again = await revokeApiToken(accountId, view.id, "admin@tokenworks.test", new Date(Date.now() + 60_000));
    expect(again.revokedAt).toEqual(first.revokedAt);
    const entries = (await listAuditEntries(accountId, 500)).filter((entry) => entry.target === `api_token:${view.id}`);
    expect(entries.map((entry) => [entry.action, entry.actor])).toEqual([
      ["api_token.revoked", "admin@tokenworks.test"],
      ["api_token.created", "owner@tokenworks.test"],
    ]);
    expect(entries[1]!.details).toEqual({ name: "Audited", prefix: view.prefix, scopes: "devices:read,devices:write", expiresAt: view.expiresAt!.toISOString() });
    expect(entries[0]!.details).toEqual({ name: "Audited", prefix: view.prefix });
    expect(JSON.stringify(await listAuditEntries(accountId, 500))).not.toContain(token.slice(10));
  });

  it("cannot reach another account's token: not found, and that token keeps working", async () => {
    const { token, view } = await createApiToken(otherAccountId, { name: "Not yours", scopes: ["devices:read"], expiresInDays: null }, "test");
    await expect(revokeApiToken(accountId, view.id, "owner@tokenworks.test")).rejects.toBeInstanceOf(ApiTokenNotFoundError);
    await expect(revokeApiToken(accountId, "no-such-token", "owner@tokenworks.test")).rejects.toBeInstanceOf(ApiTokenNotFoundError);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).revokedAt).toBeNull();
    expect(await authenticateApiToken(token)).toMatchObject({ account: { id: otherAccountId } });
    expect((await listAuditEntries(accountId, 500)).some((entry) => entry.target === `api_token:${view.id}`)).toBe(false);
  });
});

describe("npm run token:create", () => {
  it("prints a working token once, with its prefix, scopes and expiry (90 days unless told)", async () => {
    const before = Date.now();
    const result = tokenCreate("--account", ACCOUNT, "--name", "Nightly export", "--scopes", "logs:read, devices:read");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const token = /^Token: +(\S+)$/m.exec(result.stdout)?.[1];
    expect(token).toMatch(/^cwc_[A-Za-z0-9_-]{43}$/);
    expect(result.stdout).toContain(`Created API token "Nightly export" for account "${ACCOUNT}".`);
    expect(result.stdout).toContain(`Prefix:  ${token!.slice(0, 10)}…`);
    expect(result.stdout).toContain("Scopes:  devices:read, logs:read");
    expect(result.stdout).toContain("shown only once");
    expect(result.stdout.split(token!).length - 1).toBe(1);

    const view = (await listApiTokens(accountId)).find((candidate) => candidate.prefix === token!.slice(0, 10))!;
    expect(view).toMatchObject({ name: "Nightly export", createdBy: "cli", revokedAt: null });
    expect(view.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 90 * DAY);
    expect(view.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 90 * DAY);
    expect(result.stdout).toMatch(/^Expires: \d{2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC$/m);

    const answer = await callApi(listDevices, { path: "/devices", token });
    expect(answer.status).toBe(200);
    expectDocumented("listDevices", answer);
  });

  it("makes a token that never expires with --expires-in-days never, or one of any length with a number", async () => {
    const never = tokenCreate("--account", ACCOUNT, "--name", "Forever CLI", "--scopes", "webhook:read", "--expires-in-days", "never");
    expect(never.status).toBe(0);
    expect(never.stdout).toContain("Expires: never");
    const days = tokenCreate("--account", ACCOUNT, "--name", "Fortnight CLI", "--scopes", "webhook:read", "--expires-in-days", "14");
    expect(days.status).toBe(0);
    const list = await listApiTokens(accountId);
    expect(list.find((token) => token.name === "Forever CLI")?.expiresAt).toBeNull();
    const fortnight = list.find((token) => token.name === "Fortnight CLI")!;
    expect(fortnight.expiresAt!.getTime() - fortnight.createdAt.getTime()).toBe(14 * DAY);
  });

  it("explains bad flags with exit code 2, names the flag, and stores nothing", async () => {
    const before = await countTokens();
    const valid = ["--name", "Bad", "--scopes", "logs:read"];
    const cases: [string[], string][] = [
      [["--account", ACCOUNT, "--name", "Bad", "--scope", "logs:read"], "Unknown option '--scope'"],
      [["--account", ACCOUNT, "--name", "Bad", "--scopes", "logs:read,admin:all"], '--scopes: "admin:all" is not a scope.'],
      [["--account", ACCOUNT, "--name", "Bad"], "--scopes: Choose at least one scope."],
      [["--account", ACCOUNT, "--scopes", "logs:read"], "--name: Enter a name that says what the token is for."],
      [["--account", ACCOUNT, ...valid, "--expires-in-days", "0"], "--expires-in-days: Use at least 1 day."],
      [["--account", ACCOUNT, ...valid, "--expires-in-days", "soon"], '--expires-in-days: Give a whole number of days, or never (got "soon").'],
      [["--account", "Nobody Ltd", ...valid], '--account: No account is named "Nobody Ltd".'],
      [valid, "--account: Give the name of an existing account."],
    ];
    for (const [args, message] of cases) {
      const result = tokenCreate(...args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("Usage: npm run token:create");
      expect(result.stdout).not.toContain("cwc_");
    }
    expect(await countTokens()).toBe(before);
  });
});
