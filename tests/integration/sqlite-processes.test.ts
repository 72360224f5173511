import { spawn } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/database-url";
import { db } from "@/lib/db";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { createUserWithAccount } from "@/lib/users";

const root = path.resolve(import.meta.dirname, "../..");

function runWriter(accountId: string, deviceId: string, changes: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "tests/support/status-writer.ts", accountId, deviceId, String(changes)], {
    cwd: root,
    env: process.env,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

// PostgreSQL has no database-wide write lock to wait for; its multi-process runs are the worker tests.
describe.skipIf(!sqliteFilePath(process.env.DATABASE_URL!))("the embedded SQLite database shared by several processes (SQLite only: its single write lock)", () => {
  it("takes writes from two processes at once without 'database is locked' and without losing any", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Two Writers", email: "writers@example.test", role: "owner" }, "test");
    await createDevice(accountId, { deviceId: "CHILD-1", name: "Child", platform: "Linux" }, "test");
    await createDevice(accountId, { deviceId: "PARENT-1", name: "Parent", platform: "Linux" }, "test");

    const child = runWriter(accountId, "CHILD-1", 600);
    for (let i = 0; i < 600; i++) await changeDeviceStatus(accountId, "PARENT-1", i % 2 === 0 ? "compliant" : "non_compliant", "parent-process");
    const { code, output } = await child;

    expect(output).not.toContain("database is locked");
    expect(code).toBe(0);
    expect(await db.deviceEvent.count({ where: { accountId, deviceId: "CHILD-1", actor: "writer-process" } })).toBe(600);
    expect(await db.deviceEvent.count({ where: { accountId, deviceId: "PARENT-1", actor: "parent-process" } })).toBe(600);
  });

  it("waits for another connection's write lock with its event loop free, then writes the change", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Lock Waiter", email: "waiter@example.test", role: "owner" }, "test");
    await createDevice(accountId, { deviceId: "WAITER-1", name: "Waiter", platform: "Linux" }, "test");
    // Another connection (as another process's would) holds the write lock for 300 ms.
    const holder = new Database(sqliteFilePath(process.env.DATABASE_URL!)!);
    holder.exec("BEGIN IMMEDIATE");
    let longestGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      longestGapMs = Math.max(longestGapMs, performance.now() - last);
      last = performance.now();
    }, 5);
    try {
      const change = changeDeviceStatus(accountId, "WAITER-1", "compliant", "test");
      await new Promise((resolve) => setTimeout(resolve, 300));
      holder.exec("COMMIT");
      await expect(change).resolves.toMatchObject({ changed: true });
    } finally {
      clearInterval(ticker);
      holder.close();
    }
    // Asleep in SQLite's busy handler, the thread could not even run the holder's COMMIT.
    expect(longestGapMs).toBeLessThan(100);
    expect((await db.device.findFirstOrThrow({ where: { accountId, deviceId: "WAITER-1" } })).status).toBe("compliant");
  });
});
