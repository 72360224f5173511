"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { accountNameSchema, AccountNameTakenError, renameAccount } from "@/lib/accounts";
import { authorizeSettingsChange } from "@/lib/auth/session";
import type { FormState } from "@/lib/form-state";

const schema = z.object({ name: accountNameSchema });

// Renames the signed-in user's account: validate, check the role on the server, change, audit.
export async function renameAccountAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = schema.safeParse({ name: formData.get("name") });
  if (!parsed.success) {
    return { status: "error", message: "Check the highlighted field.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  try {
    await renameAccount(user.account.id, parsed.data.name, user.email);
  } catch (error) {
    if (error instanceof AccountNameTakenError) return { status: "error", fieldErrors: { name: [error.message] } };
    throw error;
  }
  revalidatePath("/", "layout");
  return { status: "success", message: "Account name saved." };
}
