// Checks a sign-in attempt against the users table and the per-email lockout.
import "server-only";
import { decoyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { clearFailedSignIns, lockedUntil, normalizeEmail, recordFailedSignIn } from "@/lib/auth/throttle";
import { findUserByEmail } from "@/lib/users";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: string; accountId: string } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; until: Date };

export async function authenticate(email: string, password: string, now = new Date()): Promise<SignInResult> {
  const normalized = normalizeEmail(email);
  const until = await lockedUntil(normalized, now);
  if (until) return { ok: false, reason: "locked", until };

  const user = await findUserByEmail(normalized);
  // Compare against a decoy when the user is unknown, so the answer takes as long either way.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !valid) {
    const locked = await recordFailedSignIn(normalized, now);
    return locked ? { ok: false, reason: "locked", until: locked } : { ok: false, reason: "invalid" };
  }
  await clearFailedSignIns(normalized);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, accountId: user.accountId } };
}
