"use client";
// Revoke, behind a confirmation. Stays mounted when the row turns "revoked", so its answer is still
// read out; the server re-checks the role and the account.
import { useActionState } from "react";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { FormMessage } from "@/components/ui/field";
import { initialFormState } from "@/lib/form-state";
import type { TokenFormAction } from "./form-states";

export function RevokeTokenForm({ token, revocable, action }: {
  token: { id: string; name: string; prefix: string };
  revocable: boolean;
  action: TokenFormAction;
}) {
  const [state, revoke, revoking] = useActionState(action, initialFormState);
  return (
    <div className="flex max-w-full flex-col gap-2 sm:max-w-sm sm:items-end">
      {revocable && (
        <form action={revoke}>
          <input type="hidden" name="tokenId" value={token.id} />
          <ConfirmSubmit
            label={<>Revoke<span className="sr-only"> {token.name}</span></>}
            question={`Revoke “${token.name}” (${token.prefix}…)? Every request that uses it is refused from now on. This cannot be undone.`}
            confirmLabel="Yes, revoke"
            pendingLabel="Revoking…"
            pending={revoking}
          />
        </form>
      )}
      <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
    </div>
  );
}
