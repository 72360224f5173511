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

  // Another connection (as another process's would) holds the write lock for 300 ms while `write`
  // waits for it; resolves with the longest gap between ticks of a 5 ms timer meanwhile.
  async function whileLockHeld(write: () => Promise<unknown>): Promise<number> {
    const holder = new Database(sqliteFilePath(process.env.DATABASE_URL!)!);
    holder.exec("BEGIN IMMEDIATE");
    let longestGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      longestGapMs = Math.max(longestGapMs, performance.now() - last);
      last = performance.now();
    }, 5);
    try {
      const written = write();
      await new Promise((resolve) => setTimeout(resolve, 300));
      holder.exec("COMMIT");
      await written;
    } finally {
      clearInterval(ticker);
      holder.close();
    }
    return longestGapMs;
  }

  // Asleep in SQLite's busy handler, the thread could not even run the holder's COMMIT.
  it("waits for another connection's write lock with its event loop free, then writes the change", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Lock Waiter", email: "waiter@example.test", role: "owner" }, "test");
    await createDevice(accountId, { deviceId: "WAITER-1", name: "Waiter", platform: "Linux" }, "test");
    expect(await whileLockHeld(() => changeDeviceStatus(accountId, "WAITER-1", "compliant", "test"))).toBeLessThan(100);
    expect((await db.device.findFirstOrThrow({ where: { accountId, deviceId: "WAITER-1" } })).status).toBe("compliant");
  });

  it("runs Prisma's transactions the same way, and one that never gets the lock fails without blocking later ones", async () => {
    const { accountId } = await createUserWithAccount({ accountName: "Prisma Waiter", email: "prisma-waiter@example.test", role: "owner" }, "test");
    const rename = (name: string) => db.$transaction(async (tx) => tx.account.update({ where: { id: accountId }, data: { name } }), { maxWait: 15_000 });
    expect(await whileLockHeld(() => rename("Renamed while locked"))).toBeLessThan(100);
    expect((await db.account.findUniqueOrThrow({ where: { id: accountId } })).name).toBe("Renamed while locked");

    // Held past the busy timeout: the transaction fails with "database is locked"...
    const holder = new Database(sqliteFilePath(process.env.DATABASE_URL!)!);
    holder.exec("BEGIN IMMEDIATE");
    try {
      await expect(rename("Never")).rejects.toThrow(/database is locked/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    // ...and the next one goes through (the adapter's lock was not left taken).
    await rename("After the timeout");
    expect((await db.account.findUniqueOrThrow({ where: { id: accountId } })).name).toBe("After the timeout");
  }, 30_000);
});
