// A push's result and an HTTP status coloured by class.
import { Badge, type Tone } from "@/components/ui/badge";

const RESULT_TONES: Record<string, Tone> = { succeeded: "green", failed: "red", held: "amber", retrying: "amber", queued: "blue", sending: "blue" };

export function PushResultBadge({ state }: { state: string }) {
  return <Badge tone={RESULT_TONES[state] ?? "neutral"}>{state}</Badge>;
}

export function HttpStatus({ code, errorClass }: { code: number | null; errorClass: string | null }) {
  if (code === null) return <span className="text-slate-600 dark:text-slate-400">{errorClass ? errorClass.replaceAll("_", " ") : "—"}</span>;
  const tone = code < 300 ? "text-green-700 dark:text-green-400" : code < 500 ? "text-amber-700 dark:text-amber-400" : "text-red-700 dark:text-red-400";
  return <span className={`font-mono font-semibold ${tone}`}>{code}</span>;
}
