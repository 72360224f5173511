"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { AddUserState } from "@/components/users/form-states";
import { ROLES } from "@/lib/auth/roles";
import { authorizeSettingsChange, type CurrentUser } from "@/lib/auth/session";
import type { FormState } from "@/lib/form-state";
import {
  accountUserSchema,
  addUserToAccount,
  changeUserRole,
  EmailTakenError,
  removeUser,
  UserAdminRuleError,
  UserNotFoundError,
  type UserAdminActor,
} from "@/lib/users";

const userIdSchema = z.string().min(1).max(64);
const NOT_IN_ACCOUNT: FormState = { status: "error", message: "That user is not in this account any more. Reload the page." };

const actorOf = (user: CurrentUser): UserAdminActor => ({ id: user.id, email: user.email, role: user.role });

// The refusals every user change can meet, as the form shows them; anything else is a real failure.
function refusal(error: unknown): FormState {
  if (error instanceof UserNotFoundError) return NOT_IN_ACCOUNT;
  if (error instanceof UserAdminRuleError) return { status: "error", message: error.message };
  throw error;
}

// Adds a user to the signed-in user's account; the generated first password is returned this once.
export async function addUserAction(_previous: AddUserState, formData: FormData): Promise<AddUserState> {
  const values = { email: String(formData.get("email") ?? ""), name: String(formData.get("name") ?? ""), role: String(formData.get("role") ?? "") };
  const parsed = accountUserSchema.safeParse(values);
  if (!parsed.success) {
    return { status: "error", message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return { ...error, values };
  try {
    const added = await addUserToAccount(user.account.id, parsed.data, actorOf(user));
    revalidatePath("/settings/users");
    return { status: "success", message: `Added ${added.email}.`, added: { email: added.email, name: parsed.data.name, password: added.password } };
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return { status: "error", message: "Check the highlighted fields.", fieldErrors: { email: ["A user with this email already exists. Each email can belong to one user only."] }, values };
    }
    if (error instanceof UserAdminRuleError) return { status: "error", message: "Check the highlighted fields.", fieldErrors: { role: [error.message] }, values };
    throw error;
  }
}

const roleSchema = z.object({ userId: userIdSchema, role: z.enum(ROLES, "Choose a role.") });

// Changes a user's role within the signed-in user's account, under the owner rules of lib/users.
export async function changeUserRoleAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = roleSchema.safeParse({ userId: formData.get("userId"), role: formData.get("role") });
  if (!parsed.success) return { status: "error", message: parsed.error.issues.some((issue) => issue.path[0] === "role") ? "Choose a role." : NOT_IN_ACCOUNT.message };
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  try {
    const { changed } = await changeUserRole(user.account.id, parsed.data.userId, parsed.data.role, actorOf(user));
    revalidatePath("/settings/users");
    return { status: "success", message: changed ? `Role changed to ${parsed.data.role}.` : `No change: the role already is ${parsed.data.role}.` };
  } catch (error) {
    return refusal(error);
  }
}

// Removes a user from the signed-in user's account; their sessions end on their next request.
export async function removeUserAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = userIdSchema.safeParse(formData.get("userId"));
  if (!parsed.success) return NOT_IN_ACCOUNT;
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  try {
    const { email } = await removeUser(user.account.id, parsed.data, actorOf(user));
    revalidatePath("/settings/users");
    return { status: "success", message: `Removed ${email}. They can no longer sign in.` };
  } catch (error) {
    return refusal(error);
  }
}
