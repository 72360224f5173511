"use server";
// The API-token mutations: validate, re-check the role on the server, call the service, refresh the
// list, and answer the form in plain words. The new token travels back in this one response only.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { CreateTokenState } from "@/components/api-tokens/form-states";
import { API_TOKEN_EXPIRY_DAYS, ApiTokenNotFoundError, createApiToken, newApiTokenSchema, revokeApiToken } from "@/lib/api-tokens";
import { authorizeSettingsChange } from "@/lib/auth/session";
import type { FormState } from "@/lib/form-state";

const PAGE = "/settings/api-tokens";
const NOT_IN_ACCOUNT: FormState = { status: "error", message: "That token is not in this account any more. Reload the page." };

// The expiry select sends "7" … "365" or "never"; anything else is a forged or stale form.
const expiryChoice = z.string().transform((value, context) => {
  if (value === "never") return null;
  const days = Number(value);
  if ((API_TOKEN_EXPIRY_DAYS as readonly number[]).includes(days)) return days;
  context.addIssue({ code: "custom", message: "Choose one of the listed expiry periods." });
  return z.NEVER;
});
const createTokenFormSchema = newApiTokenSchema.extend({ expiresInDays: expiryChoice });

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

// Creates a token in the signed-in user's account and returns it this once.
export async function createApiTokenAction(_previous: CreateTokenState, formData: FormData): Promise<CreateTokenState> {
  const values = {
    name: text(formData, "name"),
    scopes: formData.getAll("scopes").filter((value) => typeof value === "string"),
    expiry: text(formData, "expiresInDays"),
  };
  const parsed = createTokenFormSchema.safeParse({ name: values.name, scopes: values.scopes, expiresInDays: values.expiry });
  if (!parsed.success) {
    return { status: "error", message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return { ...error, values };
  const { token, view } = await createApiToken(user.account.id, parsed.data, user.email);
  revalidatePath(PAGE);
  return {
    status: "success",
    message: `Created “${view.name}”.`,
    created: { name: view.name, token, prefix: view.prefix, scopes: view.scopes, expiresAt: view.expiresAt?.toISOString() ?? null },
  };
}

// Revokes a token of the signed-in user's account; the next request with it is refused.
export async function revokeApiTokenAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = z.string().min(1).max(64).safeParse(formData.get("tokenId"));
  if (!parsed.success) return NOT_IN_ACCOUNT;
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  const now = new Date();
  try {
    const token = await revokeApiToken(user.account.id, parsed.data, user.email, now);
    revalidatePath(PAGE);
    if (token.revokedAt && token.revokedAt.getTime() !== now.getTime()) return { status: "success", message: `“${token.name}” was already revoked.` };
    return { status: "success", message: `Revoked “${token.name}”. Requests that use it are refused from now on.` };
  } catch (error) {
    if (error instanceof ApiTokenNotFoundError) return NOT_IN_ACCOUNT;
    throw error;
  }
}
