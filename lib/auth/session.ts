// The signed-in user of the current request, read once per request. Authority comes from the
// database, not the token: a removed user or a changed role takes effect on the next request.
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
import { decodeSessionToken, SESSION_COOKIE } from "@/lib/auth/session-token";
import { canManageSettings, isRole, type Role } from "@/lib/auth/roles";
import type { Plan } from "@/lib/accounts";
import { PERMISSION_DENIED, type FormState } from "@/lib/form-state";
import { findSessionUser } from "@/lib/users";

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  canManage: boolean;
  account: { id: string; name: string; plan: Plan };
};

// Either name is safe to read: a browser keeps a "__Secure-" cookie only from https.
async function sessionToken(): Promise<string | undefined> {
  const jar = await cookies();
  for (const name of [`__Secure-${SESSION_COOKIE}`, SESSION_COOKIE]) {
    const whole = jar.get(name)?.value;
    if (whole) return whole;
    const chunks: string[] = [];
    for (let chunk = jar.get(`${name}.0`); chunk; chunk = jar.get(`${name}.${chunks.length}`)) chunks.push(chunk.value);
    if (chunks.length > 0) return chunks.join("");
  }
  return undefined;
}

// The user id of the request's session token (expired, forged or absent: null). The token is only
// decrypted: getServerSession would also encrypt a renewed token on every page, which a server
// component cannot send back anyway.
async function sessionUserId(): Promise<string | null> {
  const token = await sessionToken();
  const claims = token ? await decodeSessionToken({ token, secret: authOptions.secret! }) : null;
  return typeof claims?.sub === "string" && claims.sub ? claims.sub : null;
}

export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const userId = await sessionUserId();
  if (!userId) return null;
  const user = await findSessionUser(userId);
  if (!user || !isRole(user.role)) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    canManage: canManageSettings(user.role),
    account: { id: user.account.id, name: user.account.name, plan: user.account.plan === "enterprise" ? "enterprise" : "standard" },
  };
});

// For pages: the current user, or a redirect to sign-in.
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/signin");
  return user;
}

// For server actions that change settings: the signed-in owner or admin, or the form error to return.
// Pages hide the controls from viewers; this is the check that counts.
export async function authorizeSettingsChange(): Promise<{ user: CurrentUser; error?: undefined } | { user?: undefined; error: FormState }> {
  const user = await getCurrentUser();
  if (!user) return { error: { status: "error", message: "Your session has ended. Sign in again." } };
  if (!user.canManage) return { error: PERMISSION_DENIED };
  return { user };
}
