// What the "Receiving webhooks" page states about the contract, read by the page from the running
// service (statuses, delivery settings, an example signed with the real signing code).
export type WebhookDocsFacts = {
  statuses: { value: string; description: string }[];
  retryDelaysMs: number[];
  disableAfterFailures: number;
  timeoutMs: number;
  maxBatch: number;
  userAgent: string;
  rotationGraceMs: number;
  example: {
    apiKey: string;
    secret: string;
    id: string;
    timestamp: string;
    body: string;
    signature: string;
  };
};

// "300 ms", "4 s", "60 s", "24 hours": how the docs say a configured duration.
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 2 * 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} hours`;
}
