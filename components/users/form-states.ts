// What the user-management actions hand back to their forms. Client-safe: types only.
import type { FormState } from "@/lib/form-state";

// Adding returns what was typed (so a refused form keeps it) and, once added, the first password:
// this one response is the only place it exists in plaintext; it lives in the browser's memory only.
export type AddUserState = FormState & {
  values?: { email: string; name: string; role: string };
  added?: { email: string; name: string; password: string };
};

export type UserFormAction<State extends FormState = FormState> = (state: State, formData: FormData) => Promise<State>;
