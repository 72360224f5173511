// The device statuses of the callback contract: the single list that drives validation,
// the event checkboxes and the docs. Extend it here; never rename a value (vendors match on them).
export const DEVICE_STATUSES = ["installed", "compliant", "non_compliant", "deleted"] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const DEVICE_STATUS_LABELS: Record<DeviceStatus, string> = {
  installed: "Installed",
  compliant: "Compliant",
  non_compliant: "Non-compliant",
  deleted: "Deleted",
};

export const DEVICE_STATUS_DESCRIPTIONS: Record<DeviceStatus, string> = {
  installed: "The agent was installed and the device enrolled",
  compliant: "The device meets every compliance policy",
  non_compliant: "The device fails at least one compliance policy",
  deleted: "The device was removed from the account",
};
