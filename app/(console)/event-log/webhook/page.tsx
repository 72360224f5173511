import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Webhook log" };

export default async function WebhookLogPage() {
  await requireUser();
  return (
    <EmptyState title="No webhook pushes yet">
      Every push to your callback URL will be listed here with its HTTP status, attempts and timing. Nothing has been
      sent from this account.
    </EmptyState>
  );
}
