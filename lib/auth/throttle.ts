// Sign-in throttling per email address: after MAX_FAILED_SIGN_INS failures in a row the email is
// refused for LOCKOUT_MS. Kept for every email, known or not, so the lockout reveals nothing.
import "server-only";
import { db } from "@/lib/db";

export const MAX_FAILED_SIGN_INS = 10;
export const LOCKOUT_MS = 15 * 60 * 1000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// The time until which this email is refused, or null when it may sign in.
export async function lockedUntil(email: string, now = new Date()): Promise<Date | null> {
  const row = await db.signInThrottle.findUnique({ where: { email: normalizeEmail(email) } });
  return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

// Counts one failed sign-in; returns the lock time when this failure starts a lockout.
export async function recordFailedSignIn(email: string, now = new Date()): Promise<Date | null> {
  const key = normalizeEmail(email);
  return db.$transaction(async (tx) => {
    const row = await tx.signInThrottle.findUnique({ where: { email: key } });
    // A lockout that has run out starts a fresh count.
    const expired = row?.lockedUntil != null && row.lockedUntil <= now;
    const failures = (row && !expired ? row.failures : 0) + 1;
    const locked = failures >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCKOUT_MS) : null;
    await tx.signInThrottle.upsert({
      where: { email: key },
      create: { email: key, failures, lockedUntil: locked },
      update: { failures, lockedUntil: locked },
    });
    return locked;
  });
}

export async function clearFailedSignIns(email: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { email: normalizeEmail(email) } });
}
