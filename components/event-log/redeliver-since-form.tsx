"use client";
// "Redeliver failed and held pushes since…" on the webhook log: after an outage at the receiver,
// sends everything that did not arrive again, as new pushes. Pushes already redelivered are skipped.
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, inputClass } from "@/components/ui/field";
import { initialFormState, type FormState } from "@/lib/form-state";
import { useSingleSubmit } from "./use-single-submit";

export function RedeliverSinceForm({ defaultSince, action }: { defaultSince: string; action: (state: FormState, formData: FormData) => Promise<FormState> }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const guard = useSingleSubmit(pending);
  // Controlled, so the time stays as entered after a submit (React resets uncontrolled fields).
  const [since, setSince] = useState(defaultSince);
  const error = state.fieldErrors?.since?.[0];
  return (
    <form action={formAction} onSubmit={guard} noValidate className="space-y-3">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Sends every failed or held push created since this time again, each as a new push with a new webhook-id.
        Pushes that were already redelivered are skipped.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="redeliver-since" className="block text-sm font-medium">Since (UTC)</label>
          <input
            id="redeliver-since"
            name="since"
            type="datetime-local"
            step={1}
            required
            value={since}
            onChange={(event) => setSince(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "redeliver-since-error" : undefined}
            className={`mt-1.5 ${inputClass}`}
          />
        </div>
        <Button type="submit" disabled={pending}>{pending ? "Redelivering…" : "Redeliver failed and held pushes"}</Button>
      </div>
      {error && <p id="redeliver-since-error" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
    </form>
  );
}
