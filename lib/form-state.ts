// What a server action returns to its form: a message and the errors of each field.
export type FormState = {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
};

export const initialFormState: FormState = { status: "idle" };

export const PERMISSION_DENIED: FormState = {
  status: "error",
  message: "Only owners and admins can change settings. Your role is read-only.",
};
