// Runs tenants-task.ts from a Playwright spec: two fresh accounts (A and B) on the e2e database.
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Tenant } from "./tenants-task";

export type { Tenant };
const root = path.resolve(import.meta.dirname, "../../..");

export function createTenants(input: { callbackUrl: string; apiKey: string }): { a: Tenant; b: Tenant } {
  const output = execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "tests/e2e/support/tenants-task.ts", JSON.stringify(input)], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
  });
  return JSON.parse(output.trim().split("\n").pop()!) as { a: Tenant; b: Tenant };
}
