// `npm run token:create -- --account <name> --name <label> --scopes <a,b> [--expires-in-days <days>|never]`
// Creates an API token for an existing account and prints it once. Without --expires-in-days the token
// expires after API_TOKEN_DEFAULT_EXPIRY_DAYS (90), as in the console; `never` makes one that does not.
// The Prisma client connects on its first query, so importing these before migrating is safe.
import { findAccountByName } from "@/lib/accounts";
import { API_SCOPES, API_TOKEN_DEFAULT_EXPIRY_DAYS, createApiToken, newApiTokenSchema } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { migrateDatabase } from "@/lib/migrate";
import { exitWithUsage, parseCommandLine } from "./lib/cli";

const USAGE = [
  "Usage: npm run token:create -- --account <name> --name <label> --scopes <scope,...> [--expires-in-days <days>|never]",
  `  --scopes          one or more of: ${API_SCOPES.join(", ")}`,
  `  --expires-in-days 1 to 3650, or never (default: ${API_TOKEN_DEFAULT_EXPIRY_DAYS})`,
].join("\n");
const FLAGS: Record<string, string> = { name: "--name", scopes: "--scopes", expiresInDays: "--expires-in-days" };

function fail(message: string): never {
  exitWithUsage(message, USAGE);
}

const values = parseCommandLine(USAGE, {
  account: { type: "string" }, name: { type: "string" }, scopes: { type: "string" }, "expires-in-days": { type: "string" },
});

migrateDatabase(env.DATABASE_URL, { quiet: true });

// "never", a whole number of days (checked against the schema's range below), or the default.
function expiryFlag(value: string | undefined): number | null {
  if (value === undefined) return API_TOKEN_DEFAULT_EXPIRY_DAYS;
  if (value.trim() === "never") return null;
  if (!/^\s*\d+\s*$/.test(value)) fail(`--expires-in-days: Give a whole number of days, or never (got "${value}").`);
  return Number(value);
}

try {
  const accountName = values.account?.trim();
  if (!accountName) fail("--account: Give the name of an existing account.");
  const scopes = (values.scopes ?? "").split(",").map((scope) => scope.trim()).filter(Boolean);
  // Missing flags become empty values, so the schema's own messages say what to give.
  const parsed = newApiTokenSchema.safeParse({ name: values.name ?? "", scopes, expiresInDays: expiryFlag(values["expires-in-days"]) });
  if (!parsed.success) {
    fail(
      parsed.error.issues
        .map(({ path: [field, index], message }) => `${FLAGS[String(field)] ?? String(field)}: ${typeof index === "number" ? `"${scopes[index]}" is not a scope. ` : ""}${message}`)
        .join("\n"),
    );
  }
  const account = await findAccountByName(accountName);
  if (!account) fail(`--account: No account is named "${accountName}". Account names are case-sensitive; npm run user:create creates accounts.`);

  const { token, view } = await createApiToken(account.id, parsed.data, "cli");
  console.log(
    [
      `Created API token "${view.name}" for account "${account.name}".`,
      `Token:   ${token}`,
      `Prefix:  ${view.prefix}…`,
      `Scopes:  ${view.scopes.join(", ")}`,
      `Expires: ${view.expiresAt ? formatDateTime(view.expiresAt) : "never"}`,
      "The token is shown only once; only its hash is stored. Send it as: Authorization: Bearer <token>",
    ].join("\n"),
  );
} finally {
  await db.$disconnect();
}
