// `npm run user:create -- --account <name> [--plan enterprise] --email <email> --role <role> [--name <name>]`
// Adds a user (creating the account when none has that name) and prints a generated password once.
import { z } from "zod";
import { env } from "@/lib/env";
import { migrateDatabase } from "@/lib/migrate";
import { exitWithUsage, parseCommandLine } from "./lib/cli";

const USAGE = "Usage: npm run user:create -- --account <name> [--plan standard|enterprise] --email <email> --role owner|admin|viewer [--name <name>]";

function fail(message: string): never {
  exitWithUsage(message, USAGE);
}

const values = parseCommandLine(USAGE, {
  account: { type: "string" }, plan: { type: "string" }, email: { type: "string" }, role: { type: "string" }, name: { type: "string" },
});

migrateDatabase(env.DATABASE_URL, { quiet: true });
const { createUserWithAccount, EmailTakenError, newUserSchema } = await import("@/lib/users");
const { db } = await import("@/lib/db");

const parsed = newUserSchema.safeParse({ accountName: values.account, plan: values.plan, email: values.email, role: values.role, name: values.name });
if (!parsed.success) {
  const fields = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
  const flag = (key: string) => (key === "accountName" ? "--account" : `--${key}`);
  fail(Object.entries(fields).map(([key, messages]) => `${flag(key)}: ${messages?.join("; ")}`).join("\n"));
}

try {
  const result = await createUserWithAccount(parsed.data, "cli");
  console.log(
    [
      result.accountCreated
        ? `Created account "${parsed.data.accountName}" (${result.accountPlan} plan).`
        : `Account "${parsed.data.accountName}" exists (${result.accountPlan} plan); added the user to it.${
            parsed.data.plan && parsed.data.plan !== result.accountPlan ? " --plan applies only when an account is created." : ""
          }`,
      `Created ${parsed.data.role} ${parsed.data.email}.`,
      `Password: ${result.password}`,
      "This password is shown only once; it is stored as a hash.",
    ].join("\n"),
  );
} catch (error) {
  if (error instanceof EmailTakenError) fail(error.message);
  throw error;
} finally {
  await db.$disconnect();
}
