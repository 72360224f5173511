import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

// An unknown push id, or one of another account: the same answer for both.
export default function PushNotFound() {
  return (
    <EmptyState title="Push not found" action={<LinkButton href="/event-log/webhook" variant="secondary">Back to the webhook log</LinkButton>}>
      No push with this webhook-id exists in this account. Succeeded and test pushes are deleted once they are older than the log&apos;s retention.
    </EmptyState>
  );
}
