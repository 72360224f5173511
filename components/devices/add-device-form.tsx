"use client";
// Enrolls a device by hand. Field errors come from the server (zod and a duplicate id); a refused
// form keeps what was typed, an accepted one empties for the next device and links to the new one.
import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { initialFormState } from "@/lib/form-state";
import { deviceHref, type AddDeviceState, type DeviceFormAction } from "./form-states";

export function AddDeviceForm({ action }: { action: DeviceFormAction<AddDeviceState> }) {
  const [state, formAction, pending] = useActionState(action, initialFormState as AddDeviceState);
  const values = state.status === "error" ? state.values : undefined;
  const error = (field: string) => state.fieldErrors?.[field]?.[0];
  return (
    <form action={formAction} noValidate className="max-w-xl space-y-4">
      <TextField
        label="Device id"
        name="deviceId"
        defaultValue={values?.deviceId}
        required
        maxLength={128}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        description="The id vendors receive as device_id. It cannot be changed later."
        error={error("deviceId")}
      />
      <TextField label="Name" name="name" defaultValue={values?.name} required maxLength={200} autoComplete="off" placeholder="Reception laptop" error={error("name")} />
      <TextField label="Platform" name="platform" defaultValue={values?.platform} required maxLength={100} autoComplete="off" placeholder="Windows 11" error={error("platform")} />
      <p className="text-sm text-slate-600 dark:text-slate-400">A new device starts as Installed; the webhook is notified when it is subscribed to that status.</p>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add device"}</Button>
        <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
        {state.status === "success" && state.addedDeviceId !== undefined && (
          <Link href={deviceHref(state.addedDeviceId)} className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            Open the device
          </Link>
        )}
      </div>
    </form>
  );
}
