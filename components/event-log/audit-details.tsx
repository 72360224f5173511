// The details of one audit entry in words: a settings change as "field: before → after" for the
// fields that changed, anything else as "name: value" pairs. Values are text, never markup.
import { formatDateTime } from "@/lib/format";

type Details = Record<string, unknown>;

const KEY_LABELS: Record<string, string> = { callbackUrl: "callback URL", apiKey: "API key", deliverHeld: "deliver held" };

// "previousValidUntil" → "previous valid until"; known keys get their proper names.
export function detailLabel(key: string): string {
  return KEY_LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

const LIST = /^[a-z_]+(,[a-z_]+)+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function detailValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") {
    if (ISO_TIME.test(value)) return formatDateTime(new Date(value));
    // Stored lists such as the webhook's events ("installed,compliant") read better with spaces.
    return LIST.test(value) ? value.replaceAll(",", ", ") : value;
  }
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(detailValue).join(", ");
  return Object.entries(value as Details).map(([key, inner]) => `${detailLabel(key)}: ${detailValue(inner)}`).join(", ");
}

const isRecord = (value: unknown): value is Details => typeof value === "object" && value !== null && !Array.isArray(value);

function Changes({ before, after }: { before: Details | null; after: Details }) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])];
  const changed = keys.filter((key) => detailValue(before?.[key]) !== detailValue(after[key]));
  if (changed.length === 0) return <span>No visible change</span>;
  return (
    <ul className="space-y-0.5">
      {changed.map((key) => (
        <li key={key}>
          <span className="font-medium text-slate-800 dark:text-slate-200">{detailLabel(key)}:</span>{" "}
          {before ? (
            <>
              <span className="wrap-anywhere">{detailValue(before[key])}</span> <span aria-hidden>→</span><span className="sr-only">changed to</span> <span className="wrap-anywhere">{detailValue(after[key])}</span>
            </>
          ) : (
            <span className="wrap-anywhere">{detailValue(after[key])}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function AuditDetails({ details }: { details: Details }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span>—</span>;
  // A change of a settings object (webhook.created/updated): only the fields that differ.
  if (isRecord(details.after) && (details.before === null || isRecord(details.before)) && entries.length === 2) {
    return <Changes before={details.before as Details | null} after={details.after} />;
  }
  return <span className="wrap-anywhere">{entries.map(([key, value]) => `${detailLabel(key)}: ${detailValue(value)}`).join(", ")}</span>;
}
