"use client";
// Adds a user to this account with a generated first password, shown once after adding.
// Admins are offered admin and viewer only; owners also owner (the server enforces the same).
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, inputClass, TextField } from "@/components/ui/field";
import { ROLE_DESCRIPTIONS, type Role } from "@/lib/auth/roles";
import { initialFormState } from "@/lib/form-state";
import { FirstPassword } from "./first-password";
import type { AddUserState, UserFormAction } from "./form-states";
import { ROLE_LABELS } from "./role-labels";

export function AddUserForm({ roles, action }: { roles: readonly Role[]; action: UserFormAction<AddUserState> }) {
  const [state, formAction, pending] = useActionState(action, initialFormState as AddUserState);
  const values = state.status === "error" ? state.values : undefined;
  const error = (field: string) => state.fieldErrors?.[field]?.[0];
  const roleError = error("role");
  return (
    <div className="space-y-5">
      {state.added && <FirstPassword key={state.added.password} {...state.added} />}
      <form action={formAction} noValidate className="max-w-xl space-y-4">
        <TextField label="Email" name="email" type="email" defaultValue={values?.email} required maxLength={254} autoComplete="off" autoFocus error={error("email")} />
        <TextField label="Name" name="name" defaultValue={values?.name} required maxLength={120} autoComplete="off" error={error("name")} />
        <div>
          <label htmlFor="new-user-role" className="block text-sm font-medium">Role</label>
          <select
            id="new-user-role"
            name="role"
            defaultValue={values?.role ?? "viewer"}
            aria-invalid={roleError ? true : undefined}
            aria-describedby={["new-user-role-description", roleError && "new-user-role-error"].filter(Boolean).join(" ")}
            className={`mt-1.5 ${inputClass}`}
          >
            {roles.map((role) => (
              <option key={role} value={role}>{ROLE_LABELS[role]}: {ROLE_DESCRIPTIONS[role]}</option>
            ))}
          </select>
          <p id="new-user-role-description" className="mt-1.5 text-sm text-slate-600 dark:text-slate-400">
            {roles.includes("owner") ? "Owners may add, promote and remove owners." : "Only owners can add owners."}
          </p>
          {roleError && <p id="new-user-role-error" className="mt-1.5 text-sm text-red-700 dark:text-red-400">{roleError}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add user"}</Button>
          <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
        </div>
      </form>
    </div>
  );
}
