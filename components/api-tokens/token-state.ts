// Whether a token still works, as the list shows it. Client-safe; mirrors authenticateApiToken's rule
// (revoked, or expired at or after its expiry time).
import type { Tone } from "@/components/ui/badge";

export type TokenState = "active" | "expired" | "revoked";

export const TOKEN_STATE_LABELS: Record<TokenState, { label: string; tone: Tone }> = {
  active: { label: "Active", tone: "green" },
  expired: { label: "Expired", tone: "amber" },
  revoked: { label: "Revoked", tone: "neutral" },
};

export function tokenState(token: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): TokenState {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt <= now) return "expired";
  return "active";
}
