import { metrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

// Prometheus scrape endpoint. Counts only, no account data; keep it on an internal network.
export async function GET() {
  return new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } });
}
