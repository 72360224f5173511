// What the device actions hand back to their forms, and where a device's page is. Client-safe.
import type { FormState } from "@/lib/form-state";

// Adding returns what was typed (so a refused form keeps it) and, once added, the new device's id.
export type AddDeviceState = FormState & { values?: { deviceId: string; name: string; platform: string }; addedDeviceId?: string };

export type DeviceFormAction<State extends FormState = FormState> = (state: State, formData: FormData) => Promise<State>;

// A device id is free text (spaces, slashes, markup): always encode it as one path segment.
export function deviceHref(deviceId: string): string {
  return `/devices/${encodeURIComponent(deviceId)}`;
}
