// A timestamp: relative text for reading, the exact UTC time on hover and for machines.
import { formatDateTime, formatRelative } from "@/lib/format";

export function Time({ date, relative = false }: { date: Date; relative?: boolean }) {
  const exact = formatDateTime(date);
  return (
    <time dateTime={date.toISOString()} title={exact}>
      {relative ? formatRelative(date) : exact}
    </time>
  );
}
