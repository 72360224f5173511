import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { HttpStatus, PushResultBadge } from "@/components/webhook/push-result-badge";
import { requireUser } from "@/lib/auth/session";
import { listPushes, PUSH_RESULTS, pushFilterSchema } from "@/lib/webhooks/event-log";

export const metadata: Metadata = { title: "Webhook log" };

type SearchParams = Record<string, string | string[] | undefined>;

// Filters from the URL; a malformed one is dropped rather than failing the page.
function readFilter(params: SearchParams) {
  const single = (value: string | string[] | undefined) => (typeof value === "string" && value !== "" ? value : undefined);
  const raw = { result: single(params.result), httpStatus: single(params.status), deviceId: single(params.device) };
  const parsed = pushFilterSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export default async function WebhookLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const filter = readFilter(params);
  const cursor = typeof params.before === "string" && /^msg_[0-9A-Z]{26}$/.test(params.before) ? params.before : undefined;
  const { pushes, nextCursor } = await listPushes(user.account.id, filter, cursor);
  const query = new URLSearchParams(Object.entries({ result: filter.result, status: filter.httpStatus, device: filter.deviceId }).filter((entry): entry is [string, string] => Boolean(entry[1])));

  return (
    <>
      <form className="mb-4 flex flex-wrap items-end gap-3" action="/event-log/webhook">
        <div>
          <label htmlFor="log-result" className="block text-sm font-medium">Result</label>
          <select id="log-result" name="result" defaultValue={filter.result ?? ""} className={`mt-1.5 ${inputClass}`}>
            <option value="">Any result</option>
            {PUSH_RESULTS.map((result) => <option key={result} value={result}>{result}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="log-status" className="block text-sm font-medium">HTTP status</label>
          <input id="log-status" name="status" defaultValue={filter.httpStatus} placeholder="404, 5xx or none" className={`mt-1.5 w-40 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="log-device" className="block text-sm font-medium">Device id</label>
          <input id="log-device" name="device" defaultValue={filter.deviceId} className={`mt-1.5 w-48 ${inputClass}`} />
        </div>
        <button type="submit" className={buttonClass("secondary")}>Apply</button>
      </form>
      {pushes.length === 0 ? (
        <EmptyState title={query.size || cursor ? "No pushes match" : "No webhook pushes yet"}>
          {query.size || cursor
            ? "Try other filters."
            : "Every push to your callback URL will be listed here with its HTTP status, attempts and timing. Nothing has been sent from this account."}
        </EmptyState>
      ) : (
        <>
          <Table caption="Webhook pushes, newest first">
            <thead className="bg-slate-50 dark:bg-slate-900">
              <tr>
                <Th>Time</Th>
                <Th>Devices</Th>
                <Th>Statuses</Th>
                <Th>HTTP</Th>
                <Th>Attempts</Th>
                <Th>Duration</Th>
                <Th>Result</Th>
                <Th>Webhook id</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {pushes.map((push) => (
                <tr key={push.id}>
                  <Td className="text-slate-600 dark:text-slate-400"><Time date={push.createdAt} /></Td>
                  <Td className="font-mono text-xs">
                    {push.kind === "test" ? "test push" : push.items.map((item) => item.deviceId).join(", ")}
                    {push.itemCount > push.items.length && ` +${push.itemCount - push.items.length}`}
                  </Td>
                  <Td>{[...new Set(push.items.map((item) => item.status))].join(", ")}</Td>
                  <Td><HttpStatus code={push.lastStatusCode} errorClass={push.lastErrorClass} /></Td>
                  <Td className="tabular-nums">{push.attemptCount}</Td>
                  <Td className="tabular-nums">{push.lastDurationMs === null ? "—" : `${push.lastDurationMs} ms`}</Td>
                  <Td><PushResultBadge state={push.state} /></Td>
                  <Td className="font-mono text-xs">{push.id}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {nextCursor && (
            <p className="mt-4">
              <Link className={buttonClass("secondary")} href={`/event-log/webhook?${new URLSearchParams([...query, ["before", nextCursor]])}`}>Older pushes</Link>
            </p>
          )}
        </>
      )}
    </>
  );
}
