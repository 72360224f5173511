// What the API-token actions hand back to their forms. Client-safe: types only.
import type { FormState } from "@/lib/form-state";

// A token as the one-time panel shows it; `token` exists in plaintext only in this one response.
export type CreatedToken = { name: string; token: string; prefix: string; scopes: string[]; expiresAt: string | null };

// Creating returns what was typed (so a refused form keeps it) and, once created, the token.
export type CreateTokenState = FormState & {
  values?: { name: string; scopes: string[]; expiry: string };
  created?: CreatedToken;
};

export type TokenFormAction<State extends FormState = FormState> = (state: State, formData: FormData) => Promise<State>;

// A scope with the sentence that says what it allows, as the checkboxes and the list show it.
export type ScopeOption = { scope: string; description: string };
