// Event Log > Webhook: one row per push, newest first; the time links to the push's detail.
import Link from "next/link";
import { DeviceStatusBadge } from "@/components/devices/status-badge";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { HttpStatus, PushResultBadge } from "@/components/webhook/push-result-badge";
import { PushKindBadge } from "./push-kind";

export type PushRow = {
  id: string;
  kind: string;
  state: string;
  createdAt: Date;
  itemCount: number;
  attemptCount: number;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  lastDurationMs: number | null;
  items: { deviceId: string; status: string }[];
};

export const pushHref = (id: string) => `/event-log/webhook/${encodeURIComponent(id)}`;

// Each device the push carried with the status it reported; test pushes carry a sample only.
function Devices({ push }: { push: PushRow }) {
  if (push.kind === "test") return <span className="text-slate-600 dark:text-slate-400">Sample notification</span>;
  const more = push.itemCount - push.items.length;
  return (
    <>
      <ul className="space-y-1">
        {push.items.map((item, index) => (
          <li key={`${index}:${item.deviceId}`} className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
            <span className="break-all font-mono text-xs">{item.deviceId}</span>
            <DeviceStatusBadge status={item.status} />
          </li>
        ))}
      </ul>
      {more > 0 && <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">+{more} more in this push</p>}
    </>
  );
}

export function PushTable({ pushes }: { pushes: PushRow[] }) {
  return (
    <Table caption="Webhook pushes, newest first">
      <thead className="bg-slate-50 dark:bg-slate-900">
        <tr>
          <Th>Time</Th>
          <Th>Result</Th>
          <Th>HTTP</Th>
          <Th>Devices and statuses</Th>
          <Th>Attempts</Th>
          <Th>Duration</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
        {pushes.map((push) => (
          <tr key={push.id} data-push-id={push.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
            <Td>
              {/* Wraps on narrow screens so the result stays in view. */}
              <span className="block min-w-28 whitespace-normal sm:whitespace-nowrap">
                {/* Not prefetched: otherwise a browser asks the server to prefetch every row's push page on each view. */}
                <Link href={pushHref(push.id)} prefetch={false} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                  <Time date={push.createdAt} />
                </Link>
                {push.kind !== "delivery" && <span className="ml-2"><PushKindBadge kind={push.kind} /></span>}
              </span>
              <span className="mt-0.5 hidden font-mono text-xs text-slate-600 sm:block dark:text-slate-400">{push.id}</span>
            </Td>
            <Td><PushResultBadge state={push.state} /></Td>
            <Td><HttpStatus code={push.lastStatusCode} errorClass={push.lastErrorClass} /></Td>
            <Td><div className="min-w-48 max-w-80 whitespace-normal"><Devices push={push} /></div></Td>
            <Td className="tabular-nums">{push.attemptCount}</Td>
            <Td className="tabular-nums">{push.lastDurationMs === null ? "—" : `${push.lastDurationMs} ms`}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
