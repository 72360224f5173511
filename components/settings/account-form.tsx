"use client";
// The account name form. Viewers see it read-only; the server checks the role again.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { initialFormState, type FormState } from "@/lib/form-state";

export function AccountForm({ name, readOnly, action }: {
  name: string;
  readOnly: boolean;
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <TextField
        label="Account name"
        name="name"
        defaultValue={name}
        required
        maxLength={80}
        disabled={readOnly}
        error={state.fieldErrors?.name?.[0]}
        description="Shown in the console header and in the admin log."
      />
      <div className="flex items-center gap-4">
        <Button type="submit" disabled={readOnly || pending}>{pending ? "Saving…" : "Save"}</Button>
        <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
      </div>
    </form>
  );
}
