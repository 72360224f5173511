// The signed-in user of the current request, read once per request. Authority comes from the
// database, not the token: a removed user or a changed role takes effect on the next request.
import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
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

export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  const user = await findSessionUser(session.user.id);
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
