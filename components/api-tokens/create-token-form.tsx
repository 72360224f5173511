"use client";
// Creates an API token: a name, its scopes and when it expires. The token is shown once, right after.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, inputClass, TextField } from "@/components/ui/field";
import { initialFormState } from "@/lib/form-state";
import type { CreateTokenState, ScopeOption, TokenFormAction } from "./form-states";
import { NewToken } from "./new-token";
import { ScopeCheckboxes } from "./scope-checkboxes";

type Props = {
  scopes: ScopeOption[];
  expiryDays: readonly number[];
  defaultExpiryDays: number;
  // Where this console answers, for the example request (e.g. https://console.example.com).
  consoleOrigin: string;
  action: TokenFormAction<CreateTokenState>;
};

export function CreateTokenForm({ scopes, expiryDays, defaultExpiryDays, consoleOrigin, action }: Props) {
  const [state, formAction, pending] = useActionState(action, initialFormState as CreateTokenState);
  const values = state.status === "error" ? state.values : undefined;
  const error = (field: string) => state.fieldErrors?.[field]?.[0];
  const expiryError = error("expiresInDays");
  return (
    <div className="space-y-5">
      {state.created && <NewToken key={state.created.token} token={state.created} consoleOrigin={consoleOrigin} />}
      <form action={formAction} noValidate className="max-w-2xl space-y-5">
        <TextField
          label="Name"
          name="name"
          description="Says what the token is for and where it is kept, e.g. “MDM sync (prod)”."
          defaultValue={values?.name}
          required
          maxLength={100}
          autoComplete="off"
          error={error("name")}
        />
        <ScopeCheckboxes options={scopes} checked={values?.scopes ?? []} error={error("scopes")} />
        <div>
          <label htmlFor="token-expiry" className="block text-sm font-medium">Expires after</label>
          <p id="token-expiry-description" className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
            After this the token stops working and you create a new one. A token that never expires works until someone revokes it.
          </p>
          <select
            id="token-expiry"
            name="expiresInDays"
            defaultValue={values?.expiry ?? String(defaultExpiryDays)}
            aria-invalid={expiryError ? true : undefined}
            aria-describedby={["token-expiry-description", expiryError && "token-expiry-error"].filter(Boolean).join(" ")}
            className={`mt-1.5 sm:w-64 ${inputClass}`}
          >
            {expiryDays.map((days) => (
              <option key={days} value={String(days)}>{days} days</option>
            ))}
            <option value="never">Never</option>
          </select>
          {expiryError && <p id="token-expiry-error" className="mt-1.5 text-sm text-red-700 dark:text-red-400">{expiryError}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create token"}</Button>
          <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
        </div>
      </form>
    </div>
  );
}
