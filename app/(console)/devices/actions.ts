"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { AddDeviceState } from "@/components/devices/form-states";
import { authorizeSettingsChange } from "@/lib/auth/session";
import { createDevice, DeviceExistsError, newDeviceSchema } from "@/lib/device-events";

// Enrolls a device by hand: validate, check the role on the server, create (which notifies), revalidate.
export async function addDeviceAction(_previous: AddDeviceState, formData: FormData): Promise<AddDeviceState> {
  const values = { deviceId: String(formData.get("deviceId") ?? ""), name: String(formData.get("name") ?? ""), platform: String(formData.get("platform") ?? "") };
  const parsed = newDeviceSchema.safeParse(values);
  if (!parsed.success) {
    return { status: "error", message: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  }
  const { user, error } = await authorizeSettingsChange();
  if (error) return { ...error, values };
  try {
    await createDevice(user.account.id, parsed.data, user.email);
  } catch (error) {
    if (error instanceof DeviceExistsError) {
      return { status: "error", message: "Check the highlighted fields.", fieldErrors: { deviceId: ["A device with this id already exists in this account."] }, values };
    }
    throw error;
  }
  revalidatePath("/devices", "layout");
  return { status: "success", message: `Added ${parsed.data.deviceId}.`, addedDeviceId: parsed.data.deviceId };
}
