// The users created for this e2e run (scripts/e2e.ts writes them; tests read them here).
import { readFileSync } from "node:fs";

type Credentials = { email: string; password: string; name: string; accountId: string };
export type FixtureUser =
  | "owner"
  | "admin"
  | "viewer"
  | "lockout"
  | "signout"
  | "standard"
  | "webhookOwner"
  | "webhookViewer"
  | "logOwner"
  | "logViewer"
  | "devicesAdmin"
  | "devicesViewer"
  | "usersOwner"
  | "usersAdmin"
  | "journeyOwner"
  | "tokensOwner"
  | "tokensViewer"
  | "tokensFresh"
  | "kitOwner"
  | "stopOwner";
export type E2eFixtures = { users: Record<FixtureUser, Credentials> };

let cached: E2eFixtures | undefined;
export function fixtures(): E2eFixtures {
  const file = process.env.E2E_FIXTURES;
  if (!file) throw new Error("E2E_FIXTURES is not set: run the e2e suite with `npm run test:e2e`.");
  cached ??= JSON.parse(readFileSync(file, "utf8")) as E2eFixtures;
  return cached;
}
