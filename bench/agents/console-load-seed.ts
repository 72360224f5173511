// Agent: the console users of the console-load scenario, through the app's services. For each account
// name it creates the enterprise account with its users (admins and viewers, generated passwords) and
// an API token with the read scopes. The latency writer (latency-writer.ts) later finds these accounts
// by name and adds its owner, webhook and devices to them. Credentials go to a file (mode 0600), never
// to the output.
//   console-load-seed.ts '<ConsoleLoadSeedPlan as JSON>'
import { writeFileSync } from "node:fs";
import pLimit from "p-limit";
import { createApiToken } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { createUserWithAccount } from "@/lib/users";

export type ConsoleLoadSeedPlan = { accountNames: string[]; usersPerAccount: number; out: string };
export type ConsoleUser = { email: string; password: string };
export type SeededConsoleAccount = { name: string; apiToken: string; users: ConsoleUser[] };

const ACTOR = "bench-console-load";
// Hashing a password (scrypt) runs on libuv's pool: a few at once use both cores.
const HASHING_AT_ONCE = 4;

const plan = JSON.parse(process.argv[2]!) as ConsoleLoadSeedPlan;
const limit = pLimit(HASHING_AT_ONCE);

async function seedAccount(accountName: string, index: number): Promise<SeededConsoleAccount> {
  const tag = String(index + 1).padStart(2, "0");
  const addUser = async (number: number): Promise<ConsoleUser & { accountId: string }> => {
    const email = `user-${String(number).padStart(3, "0")}@console-load-${tag}.example`;
    // Every fourth user an admin, the others viewers: both roles see the same pages.
    const role = number % 4 === 1 ? "admin" : "viewer";
    const { password, accountId } = await createUserWithAccount({ accountName, plan: "enterprise", email, role }, ACTOR);
    return { email, password, accountId };
  };
  // The first user creates the account; the others join it.
  const first = await addUser(1);
  const others = await Promise.all(Array.from({ length: plan.usersPerAccount - 1 }, (_, offset) => limit(() => addUser(offset + 2))));
  const { token } = await createApiToken(first.accountId, { name: "Console load", scopes: ["logs:read", "devices:read", "webhook:read"], expiresInDays: 7 }, ACTOR);
  return { name: accountName, apiToken: token, users: [first, ...others].map(({ email, password }) => ({ email, password })) };
}

const accounts = await Promise.all(plan.accountNames.map((name, index) => seedAccount(name, index)));
writeFileSync(plan.out, JSON.stringify(accounts), { mode: 0o600 });
await db.$disconnect();
