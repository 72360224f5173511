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

function Devices({ push }: { push: PushRow }) {
  if (push.kind === "test") return <span className="text-slate-600 dark:text-slate-400">Sample device</span>;
  const more = push.itemCount - push.items.length;
  return (
    <>
      <span className="font-mono text-xs">{push.items.map((item) => item.deviceId).join(", ")}</span>
      {more > 0 && <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">+{more} more</span>}
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
          <Th>Devices</Th>
          <Th>Statuses</Th>
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
                <Link href={pushHref(push.id)} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                  <Time date={push.createdAt} />
                </Link>
                {push.kind !== "delivery" && <span className="ml-2"><PushKindBadge kind={push.kind} /></span>}
              </span>
              <span className="mt-0.5 hidden font-mono text-xs text-slate-600 sm:block dark:text-slate-400">{push.id}</span>
            </Td>
            <Td><PushResultBadge state={push.state} /></Td>
            <Td><HttpStatus code={push.lastStatusCode} errorClass={push.lastErrorClass} /></Td>
            <Td><span className="block min-w-40 max-w-64 whitespace-normal break-all"><Devices push={push} /></span></Td>
            <Td>
              <span className="flex flex-wrap gap-1">
                {[...new Set(push.items.map((item) => item.status))].map((status) => <DeviceStatusBadge key={status} status={status} />)}
              </span>
            </Td>
            <Td className="tabular-nums">{push.attemptCount}</Td>
            <Td className="tabular-nums">{push.lastDurationMs === null ? "—" : `${push.lastDurationMs} ms`}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
