"use client";
// The signing secret: what it is for, when the previous one stops being accepted, and "Rotate secret"
// behind a confirmation step. A new secret is shown once, right after the rotation.
import { useActionState, type ReactNode } from "react";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { FormMessage } from "@/components/ui/field";
import { initialFormState } from "@/lib/form-state";
import type { FormAction, SecretFormState } from "./form-states";
import { OneTimeSecret } from "./one-time-secret";

type Props = {
  configured: boolean;
  canRotate: boolean;
  readOnly: boolean;
  // Server-rendered <Time> of when the previous secret stops being accepted, while it still is.
  previousSecretExpiry: ReactNode | null;
  rotateAction: FormAction<SecretFormState>;
};

export function SigningSecretPanel({ configured, canRotate, readOnly, previousSecretExpiry, rotateAction }: Props) {
  const [state, rotate, rotating] = useActionState<SecretFormState, FormData>(rotateAction, initialFormState);
  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600 dark:text-slate-400">
        Every push carries a <code className="whitespace-nowrap font-mono text-xs">webhook-signature</code> header (Standard Webhooks, HMAC-SHA256) so your vendor can
        check that it came from this console.
      </p>
      {!configured && <p>A secret is created when you first save the webhook, and shown once.</p>}
      {configured && !state.signingSecret && <p>It was shown once, when it was created, and is never shown again. Rotate it to get a new one.</p>}
      {previousSecretExpiry && <p data-testid="previous-secret-expiry">The previous secret is still accepted until {previousSecretExpiry}.</p>}
      {state.signingSecret && (
        <OneTimeSecret key={state.signingSecret} secret={state.signingSecret} title="New signing secret: copy it now">
          <p>It is shown only this once. The previous secret stays valid for 24 hours, so your vendor can switch over without missing a push.</p>
        </OneTimeSecret>
      )}
      {configured && !readOnly && (
        <form action={rotate}>
          {/* Remounted after each rotation, so the question closes once it has been answered. */}
          <ConfirmSubmit
            key={state.signingSecret ?? "none"}
            label="Rotate secret…"
            question="Rotate the signing secret? Pushes are signed with a new secret from now on. The current one stays valid for 24 hours: give your vendor the new one before then."
            confirmLabel="Rotate now"
            pendingLabel="Rotating…"
            pending={rotating}
            disabled={!canRotate}
          />
          <FormMessage message={state.status === "error" ? state.message : undefined} tone="error" />
        </form>
      )}
    </div>
  );
}
