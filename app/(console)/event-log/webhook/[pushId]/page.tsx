import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptList } from "@/components/event-log/attempt-list";
import { LiveUpdates } from "@/components/event-log/live-updates";
import { PushKindBadge } from "@/components/event-log/push-kind";
import { PushSummary } from "@/components/event-log/push-summary";
import { RedeliverForm } from "@/components/event-log/redeliver-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PushResultBadge } from "@/components/webhook/push-result-badge";
import { requireUser } from "@/lib/auth/session";
import { getPush, isPushId } from "@/lib/webhooks/event-log";
import { OPEN_PUSH_STATES } from "@/lib/webhooks/pushes";
import { redeliverPushAction } from "../actions";

export const metadata: Metadata = { title: "Webhook push" };

const isOpen = (state: string) => (OPEN_PUSH_STATES as readonly string[]).includes(state);

// The request body as the receiver got it, indented for reading; as stored if it is not JSON.
function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function RedeliverControl({ push, canManage }: { push: { id: string; kind: string; state: string }; canManage: boolean }) {
  const note = "text-sm text-slate-600 dark:text-slate-400";
  if (!canManage) return <p className={note}>Owners and admins can redeliver pushes.</p>;
  if (push.kind === "test") return <p className={note}>Test pushes are not redelivered; send a new test from Settings › Integrations.</p>;
  if (isOpen(push.state)) return <p className={note}>Redeliver becomes available when this push has finished.</p>;
  return <RedeliverForm pushId={push.id} action={redeliverPushAction} />;
}

export default async function PushPage({ params }: { params: Promise<{ pushId: string }> }) {
  const user = await requireUser();
  const { pushId } = await params;
  // Another account's push is as unknown as one that does not exist.
  const push = isPushId(pushId) ? await getPush(user.account.id, pushId) : null;
  if (!push) notFound();
  const inProgress = isOpen(push.state) || push.redeliveries.some((redelivery) => isOpen(redelivery.state));

  return (
    <article aria-labelledby="push-heading" className="space-y-6">
      <div>
        <Link href="/event-log/webhook" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          <span aria-hidden>← </span>All webhook pushes
        </Link>
        <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 space-y-2">
            <h2 id="push-heading" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-lg font-semibold">
              <span>Push</span>
              <span className="break-all font-mono text-base">{push.id}</span>
            </h2>
            <p className="flex flex-wrap items-center gap-2">
              <PushResultBadge state={push.state} />
              <PushKindBadge kind={push.kind} />
            </p>
            {inProgress && <LiveUpdates enabled newestHref="/event-log/webhook" />}
          </div>
          <RedeliverControl push={push} canManage={user.canManage} />
        </div>
      </div>
      <Card title="Summary">
        <PushSummary push={push} />
      </Card>
      <Card title="Request body" description="The JSON array sent in every attempt of this push.">
        <pre tabIndex={0} aria-label="Request body" className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200">
          {prettyBody(push.body)}
        </pre>
      </Card>
      <section aria-labelledby="attempts-heading" className="space-y-3">
        <div>
          <h2 id="attempts-heading" className="text-base font-semibold">Attempts ({push.attempts.length})</h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Request headers are shown as stored: the API key and the signature are redacted. Only the first 4 KiB of each response is kept.
          </p>
        </div>
        {push.attempts.length > 0 ? (
          <AttemptList attempts={push.attempts} />
        ) : (
          <EmptyState title="No attempt yet">
            {push.state === "held" ? "This push was held before it was sent, because the webhook was off." : "The first attempt is about to be made."}
          </EmptyState>
        )}
      </section>
    </article>
  );
}
