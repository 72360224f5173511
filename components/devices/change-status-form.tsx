"use client";
// Sets a device's status by hand, through the same service as the API, so the webhook hears of it.
// Offers every status but the current one and Deleted (deleting has its own confirmed button).
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, inputClass } from "@/components/ui/field";
import { DEVICE_STATUS_LABELS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { initialFormState } from "@/lib/form-state";
import type { DeviceFormAction } from "./form-states";

export function ChangeStatusForm({ deviceId, status, action }: { deviceId: string; status: string; action: DeviceFormAction }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const choices = DEVICE_STATUSES.filter((choice) => choice !== status && choice !== "deleted");
  const error = state.fieldErrors?.status?.[0];
  return (
    <form action={formAction} noValidate className="space-y-3">
      <input type="hidden" name="deviceId" value={deviceId} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="new-status" className="block text-sm font-medium">New status</label>
          {/* Keyed by the current status: after a change the choices and the selection start afresh. */}
          <select key={status} id="new-status" name="status" aria-invalid={error ? true : undefined} aria-describedby={error ? "new-status-error" : undefined} className={`mt-1.5 min-w-48 ${inputClass}`}>
            {choices.map((choice) => (
              <option key={choice} value={choice}>{DEVICE_STATUS_LABELS[choice]}</option>
            ))}
          </select>
        </div>
        <Button type="submit" disabled={pending}>{pending ? "Changing…" : "Change status"}</Button>
      </div>
      {error && <p id="new-status-error" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
      <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
    </form>
  );
}
