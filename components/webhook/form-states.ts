// What the webhook settings actions hand back to their forms. Client-safe: types only.
import type { FormState } from "@/lib/form-state";

// Save (on creation) and rotate return the new signing secret this once; it lives only in the
// browser's memory and is gone on reload.
export type SecretFormState = FormState & { signingSecret?: string; savedAt?: number };

// The outcome of "Send test" as the form shows it: never a stack trace, only plain words.
export type TestPushView = {
  ok: boolean;
  status: number | null;
  durationMs: number;
  bodyExcerpt: string;
  errorMessage: string | null;
};

export type TestPushFormState = FormState & { result?: TestPushView };

export type FormAction<State extends FormState> = (state: State, formData: FormData) => Promise<State>;
