// Pushes per hour over 24 hours as stacked bars (succeeded, failed), drawn as SVG on the server.
// The same numbers are in a visually hidden table for screen readers.
type Bucket = { start: Date; succeeded: number; failed: number };

const HEIGHT = 120;
const BAR = 18;
const GAP = 6;

function hourLabel(date: Date): string {
  return `${String(date.getUTCHours()).padStart(2, "0")}:00`;
}

export function PushesChart({ hours }: { hours: Bucket[] }) {
  const peak = Math.max(1, ...hours.map((hour) => hour.succeeded + hour.failed));
  const width = hours.length * (BAR + GAP);
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${HEIGHT + 18}`} className="h-40 w-full" aria-hidden preserveAspectRatio="none">
        {hours.map((hour, i) => {
          const x = i * (BAR + GAP);
          const okHeight = (hour.succeeded / peak) * HEIGHT;
          const failHeight = (hour.failed / peak) * HEIGHT;
          return (
            <g key={hour.start.toISOString()}>
              <rect x={x} y={HEIGHT - okHeight} width={BAR} height={okHeight} className="fill-green-600 dark:fill-green-500" />
              <rect x={x} y={HEIGHT - okHeight - failHeight} width={BAR} height={failHeight} className="fill-red-600 dark:fill-red-500" />
              {i % 6 === 0 && (
                <text x={x} y={HEIGHT + 14} className="fill-slate-600 text-[10px] dark:fill-slate-400">
                  {hourLabel(hour.start)}
                </text>
              )}
            </g>
          );
        })}
        <line x1={0} x2={width} y1={HEIGHT} y2={HEIGHT} className="stroke-slate-300 dark:stroke-slate-700" />
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600 dark:text-slate-400">
        <span><span aria-hidden className="mr-1 inline-block h-2.5 w-2.5 rounded-sm bg-green-600" />Succeeded</span>
        <span><span aria-hidden className="mr-1 inline-block h-2.5 w-2.5 rounded-sm bg-red-600" />Failed</span>
        <span>Hours in UTC; peak {peak} per hour</span>
      </figcaption>
      <table className="sr-only">
        <caption>Pushes per hour, last 24 hours</caption>
        <thead>
          <tr>
            <th scope="col">Hour (UTC)</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {hours.map((hour) => (
            <tr key={hour.start.toISOString()}>
              <td>{hourLabel(hour.start)}</td>
              <td>{hour.succeeded}</td>
              <td>{hour.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
