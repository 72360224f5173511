// The integration's state in one coloured word.
import { Badge, type Tone } from "@/components/ui/badge";

export type IntegrationState = "not_configured" | "enabled" | "disabled" | "auto_disabled";

const LABELS: Record<IntegrationState, [string, Tone]> = {
  not_configured: ["Not configured", "neutral"],
  enabled: ["Enabled", "green"],
  disabled: ["Disabled", "neutral"],
  auto_disabled: ["Disabled after failures", "red"],
};

export function IntegrationStateBadge({ state }: { state: IntegrationState }) {
  const [label, tone] = LABELS[state];
  return <Badge tone={tone}>{label}</Badge>;
}
