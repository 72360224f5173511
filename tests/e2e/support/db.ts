// Runs a db-task.ts task from a Playwright test (against the same database as the console).
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../../..");

export function runDbTask<T = unknown>(task: "configure-webhook" | "create-device" | "change-status" | "create-token", input: Record<string, unknown>): T {
  const output = execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "tests/e2e/support/db-task.ts", task, JSON.stringify(input)], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
  });
  return JSON.parse(output.trim().split("\n").pop()!) as T;
}
