// What a push is: a delivery of device changes, an administrator's redelivery, or a "Send test".
import { Badge } from "@/components/ui/badge";

export const PUSH_KIND_LABELS: Record<string, string> = { delivery: "Delivery", redelivery: "Redelivery", test: "Test push" };

export function PushKindBadge({ kind }: { kind: string }) {
  return <Badge tone={kind === "delivery" ? "neutral" : "indigo"}>{PUSH_KIND_LABELS[kind] ?? kind}</Badge>;
}
