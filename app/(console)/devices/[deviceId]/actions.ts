"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authorizeSettingsChange } from "@/lib/auth/session";
import { DEVICE_STATUS_LABELS, DEVICE_STATUSES } from "@/lib/contract/statuses";
import { changeDeviceStatus, deleteDevice, DeviceNotFoundError } from "@/lib/device-events";
import type { FormState } from "@/lib/form-state";

const deviceIdSchema = z.string().min(1).max(128);
const changeSchema = z.object({
  deviceId: deviceIdSchema,
  status: z
    .enum(DEVICE_STATUSES, "Choose a status.")
    .refine((status) => status !== "deleted", "Use “Delete device” to delete it: it asks for a confirmation first."),
});

const NOT_IN_ACCOUNT: FormState = { status: "error", message: "This device is not in this account any more. Reload the page." };

// Sets a device's status through the same service as the API, so the webhook is notified.
export async function changeDeviceStatusAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = changeSchema.safeParse({ deviceId: formData.get("deviceId"), status: formData.get("status") });
  if (!parsed.success) {
    return { status: "error", message: "Choose another status.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  const { deviceId, status } = parsed.data;
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
  const parsed = deviceIdSchema.safeParse(formData.get("deviceId"));
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
