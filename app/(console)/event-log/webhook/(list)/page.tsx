import type { Metadata } from "next";
import Link from "next/link";
import { LiveUpdates } from "@/components/event-log/live-updates";
import { listHref, LogPager, pageHref } from "@/components/event-log/log-pager";
import { PushFilters } from "@/components/event-log/push-filters";
import { PushTable } from "@/components/event-log/push-table";
import { RedeliverSinceForm } from "@/components/event-log/redeliver-since-form";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { listPushPage, PUSH_RESULTS, pushFilterQuery, readPushFilter } from "@/lib/webhooks/event-log";
import { getWebhookOverview } from "@/lib/webhooks/overview";
import { redeliverSinceAction } from "../actions";

export const metadata: Metadata = { title: "Webhook log" };

const PATH = "/event-log/webhook";
const DAY_MS = 24 * 60 * 60 * 1000;
const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";

type SearchParams = Record<string, string | string[] | undefined>;

function toQuery(params: SearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (typeof value === "string") query.set(key, value);
  return query;
}

// What an empty first page means depends on whether anything can be sent at all.
function NoPushesYet({ state }: { state: Awaited<ReturnType<typeof getWebhookOverview>>["state"] }) {
  if (state === "not_configured") {
    return (
      <EmptyState title="No webhook pushes yet" action={<Link href="/settings/integrations/webhook" className={buttonClass("primary")}>Set up the webhook</Link>}>
        No callback URL is configured for this account, so nothing has been sent. Once the webhook is set up, every push to
        your callback URL is listed here with its HTTP status, attempts and timing.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No webhook pushes yet">
      {state === "enabled"
        ? "The webhook is on. The next device status change it is subscribed to is pushed to your callback URL and appears here within seconds."
        : "The webhook is turned off, so nothing is sent. Changes made while it is off are kept and can be delivered when it is turned on again."}
    </EmptyState>
  );
}

export default async function WebhookLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = toQuery(await searchParams);
  const form = readPushFilter(params);
  const request = { before: params.get("before") ?? undefined, after: params.get("after") ?? undefined };
  const page = await listPushPage(user.account.id, form.filter, request);
  const query = pushFilterQuery(form);
  const filtered = query.size > 0;
  const firstPage = page.newer === null;
  // Only an empty log needs the integration's state, to say why it is empty.
  const emptyLog = page.pushes.length === 0 && !filtered && firstPage;
  const integrationState = emptyLog ? (await getWebhookOverview(user.account.id)).state : null;
  const newestHref = listHref(PATH, query);
  const exportHref = `/api/event-log/webhook.csv${query.size > 0 ? `?${query}` : ""}`;
  const defaultSince = new Date(Date.now() - DAY_MS).toISOString().slice(0, 16);

  return (
    <section aria-labelledby="pushes-heading">
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h2 id="pushes-heading" className="text-lg font-semibold">Pushes to your callback URL</h2>
          <LiveUpdates enabled={firstPage} newestHref={newestHref} />
        </div>
        <a href={exportHref} download className={buttonClass("secondary")}>
          Export CSV<span className="sr-only"> of the {filtered ? "filtered " : ""}pushes</span>
        </a>
      </div>
      <PushFilters values={form.values} errors={form.errors} results={PUSH_RESULTS} clearHref={filtered || Object.keys(form.errors).length > 0 ? PATH : null} />
      {user.canManage && (page.pushes.length > 0 || filtered || !firstPage) && (
        <details className="group mb-4 rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <summary className="cursor-pointer list-none rounded-lg px-4 py-3 text-sm font-medium hover:bg-slate-50 dark:hover:bg-slate-800">
            <span aria-hidden className="mr-2 inline-block transition-transform group-open:rotate-90">›</span>
            Redeliver failed and held pushes since…
          </summary>
          <div className="border-t border-slate-200 px-4 py-4 dark:border-slate-800">
            <RedeliverSinceForm defaultSince={defaultSince} action={redeliverSinceAction} />
          </div>
        </details>
      )}
      {page.pushes.length > 0 ? (
        <PushTable pushes={page.pushes} />
      ) : filtered ? (
        <EmptyState title="No pushes match these filters" action={<Link href={PATH} className={buttonClass("secondary")}>Clear filters</Link>}>
          Nothing in this account&apos;s webhook log matches. Widen the time range or remove a filter.
        </EmptyState>
      ) : !firstPage ? (
        <EmptyState title="No older pushes">
          You have reached the end of the log. <Link href={PATH} className={linkClass}>Back to the newest pushes</Link>
        </EmptyState>
      ) : (
        integrationState && <NoPushesYet state={integrationState} />
      )}
      <LogPager
        label="Webhook log pages"
        newerHref={pageHref(PATH, query, { after: page.newer })}
        olderHref={pageHref(PATH, query, { before: page.older })}
        newestHref={newestHref}
      />
    </section>
  );
}
