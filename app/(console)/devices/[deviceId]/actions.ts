"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorizeSettingsChange } from "@/lib/auth/session";
import { DEVICE_STATUS_LABELS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { changeDeviceStatus, deleteDevice, DeviceNotFoundError } from "@/lib/device-events";
import { deviceIdLookupSchema } from "@/lib/devices";
import type { FormState } from "@/lib/form-state";

const statusSchema = z
  .enum(DEVICE_STATUSES, "Choose a status.")
  .refine((status) => status !== "deleted", "Use “Delete device” to delete it: it asks for a confirmation first.");

// The form's hidden device id: one no device can have is answered like a device that has gone.
const NOT_IN_ACCOUNT: FormState = { status: "error", message: "This device is not in this account any more. Reload the page." };

// Sets a device's status through the same service as the API, so the webhook is notified.
export async function changeDeviceStatusAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const id = deviceIdLookupSchema.safeParse(formData.get("deviceId"));
  if (!id.success) return NOT_IN_ACCOUNT;
  const chosen = statusSchema.safeParse(formData.get("status"));
  if (!chosen.success) {
    return { status: "error", message: "Choose another status.", fieldErrors: { status: chosen.error.issues.map((issue) => issue.message) } };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  const deviceId = id.data;
  const status = chosen.data;
  try {
    const change = await changeDeviceStatus(user.account.id, deviceId, status, user.email);
    revalidatePath("/devices", "layout");
    if (!change.changed) return { status: "success", message: `The status already is ${DEVICE_STATUS_LABELS[status]}.` };
    return { status: "success", message: `Status changed to ${DEVICE_STATUS_LABELS[status]}.${change.notified ? " The webhook will be notified." : ""}` };
  } catch (error) {
    if (error instanceof DeviceNotFoundError) return NOT_IN_ACCOUNT;
    throw error;
  }
}

// Deletes a device (its status becomes deleted and the webhook is notified); it stays listed.
export async function deleteDeviceAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = deviceIdLookupSchema.safeParse(formData.get("deviceId"));
  if (!parsed.success) return NOT_IN_ACCOUNT;
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  try {
    const change = await deleteDevice(user.account.id, parsed.data, user.email);
    revalidatePath("/devices", "layout");
    return { status: "success", message: `Device deleted.${change.notified ? " The webhook will be notified." : ""}` };
  } catch (error) {
    if (error instanceof DeviceNotFoundError) return NOT_IN_ACCOUNT;
    throw error;
  }
}
