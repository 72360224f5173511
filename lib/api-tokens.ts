// API tokens: bearer credentials for /api/v1, one account each, limited by scopes. Only a SHA-256 hash
// is stored (a token is 256 random bits, so a slow hash adds nothing); the token is shown once.
// Owns the api_tokens table.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { directSql, timeOf } from "@/lib/sql";

export const API_SCOPES = ["devices:read", "devices:write", "webhook:read", "webhook:write", "logs:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "devices:read": "List devices and read their status history",
  "devices:write": "Add devices, change their status and delete them",
  "webhook:read": "Read the webhook settings (secrets masked)",
  "webhook:write": "Change the webhook, send tests, enable, rotate the signing secret, redeliver pushes",
  "logs:read": "Read the webhook, device and admin event logs, and poll status changes",
};

// Recognisable in leaked-secret scans and in logs' redaction rules.
export const API_TOKEN_PREFIX = "cwc_";
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;
// Writing last-used on every request would turn reads into writes; once a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
// What the console form preselects and `npm run token:create` uses unless told: a leaked token should not work forever.
export const API_TOKEN_DEFAULT_EXPIRY_DAYS = 90;

export const newApiTokenSchema = z.object({
  name: z.string().trim().min(1, "Enter a name that says what the token is for.").max(100, "Use at most 100 characters."),
  scopes: z.array(z.enum(API_SCOPES, "Choose scopes from the list.")).min(1, "Choose at least one scope."),
  // Days until the token stops working; null never expires.
  expiresInDays: z.number().int("Use a whole number of days.").min(1, "Use at least 1 day.").max(3650, "Use at most 3650 days.").nullable(),
});
export type NewApiToken = z.input<typeof newApiTokenSchema>;

export class ApiTokenNotFoundError extends Error {
  constructor() {
    super("No such API token in this account.");
  }
}

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

// Who a valid bearer token speaks for.
export type ApiCaller = {
  tokenId: string;
  scopes: ApiScope[];
  account: { id: string; name: string; plan: string };
  actor: string;
};

function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function parseScopes(scopes: string): ApiScope[] {
  return scopes.split(",").filter((scope): scope is ApiScope => (API_SCOPES as readonly string[]).includes(scope));
}

function toView(row: Omit<ApiTokenView, "scopes"> & { scopes: string }): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

// Creates a token; the returned `token` is the only time its value exists outside the caller's hands.
export async function createApiToken(accountId: string, input: NewApiToken, actor: string, now = new Date()): Promise<{ token: string; view: ApiTokenView }> {
  const data = newApiTokenSchema.parse(input);
  const token = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = data.expiresInDays === null ? null : new Date(now.getTime() + data.expiresInDays * 86_400_000);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        accountId,
        name: data.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        scopes: API_SCOPES.filter((scope) => data.scopes.includes(scope)).join(","),
        createdBy: actor,
        createdAt: now,
        expiresAt,
      },
    });
    await recordAudit(
      { accountId, actor, action: "api_token.created", target: `api_token:${created.id}`, details: { name: data.name, prefix: created.prefix, scopes: created.scopes, expiresAt: expiresAt?.toISOString() ?? null } },
      tx,
    );
    return created;
  });
  return { token, view: toView(row) };
}

// Every token of the account, newest first, revoked ones included (they show as revoked).
export async function listApiTokens(accountId: string): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ where: { accountId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map(toView);
}

// Revokes a token at once: the next request with it is refused. Revoking twice is harmless.
export async function revokeApiToken(accountId: string, tokenId: string, actor: string, now = new Date()): Promise<ApiTokenView> {
  return db.$transaction(async (tx) => {
    const row = await tx.apiToken.findFirst({ where: { id: tokenId, accountId } });
    if (!row) throw new ApiTokenNotFoundError();
    if (row.revokedAt) return toView(row);
    const revoked = await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: now } });
    await recordAudit({ accountId, actor, action: "api_token.revoked", target: `api_token:${row.id}`, details: { name: row.name, prefix: row.prefix } }, tx);
    return toView(revoked);
  });
}

type CallerRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  expires_at: unknown;
  last_used_at: unknown;
  revoked_at: unknown;
  account_id: string;
  account_name: string;
  account_plan: string;
};
// Read on every API request, so a prepared statement rather than a Prisma query.
const CALLER_OF_TOKEN = `SELECT t.id, t.name, t.prefix, t.scopes, t.expires_at, t.last_used_at, t.revoked_at,
    a.id AS account_id, a.name AS account_name, a.plan AS account_plan
  FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?`;

// The caller behind a bearer token, or null when the token is unknown, revoked or expired.
export async function authenticateApiToken(token: string, now = new Date()): Promise<ApiCaller | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await (await directSql()).all<CallerRow>(CALLER_OF_TOKEN, [hashToken(token)]);
  if (!row || row.revoked_at !== null) return null;
  const expiresAt = timeOf(row.expires_at);
  if (expiresAt && expiresAt <= now) return null;
  const lastUsedAt = timeOf(row.last_used_at);
  if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    tokenId: row.id,
    scopes: parseScopes(row.scopes),
    account: { id: row.account_id, name: row.account_name, plan: row.account_plan },
    actor: `api:${row.name} (${row.prefix}…)`,
  };
}
