"use client";
// Deletes a device after a confirmation: its status becomes Deleted (the webhook hears of it) and it
// stays listed with its history. Stays mounted once deleted so its result is still announced.
import { useActionState } from "react";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { FormMessage } from "@/components/ui/field";
import { initialFormState } from "@/lib/form-state";
import type { DeviceFormAction } from "./form-states";

export function DeleteDeviceForm({ deviceId, deleted, action }: { deviceId: string; deleted: boolean; action: DeviceFormAction }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="deviceId" value={deviceId} />
      {deleted ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This device is deleted. Its history stays; setting another status above brings it back.</p>
      ) : (
        <>
          <p className="text-sm text-slate-600 dark:text-slate-400">The device stays in the list as Deleted, with its history, and the webhook is notified.</p>
          <ConfirmSubmit
            label="Delete device"
            question={`Delete ${deviceId}? Vendors subscribed to Deleted are told it is gone.`}
            confirmLabel="Yes, delete device"
            pendingLabel="Deleting…"
            pending={pending}
          />
        </>
      )}
      <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
    </form>
  );
}
