// A device status as a coloured label, from the contract's one status list.
import { Badge, type Tone } from "@/components/ui/badge";
import { DEVICE_STATUS_LABELS, type DeviceStatus } from "@/lib/contract/statuses";

const TONES: Record<DeviceStatus, Tone> = { installed: "blue", compliant: "green", non_compliant: "red", deleted: "neutral" };

export function DeviceStatusBadge({ status }: { status: string }) {
  const known = status in TONES ? (status as DeviceStatus) : null;
  return <Badge tone={known ? TONES[known] : "neutral"}>{known ? DEVICE_STATUS_LABELS[known] : status}</Badge>;
}
