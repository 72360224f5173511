// Delivery settings, from the validated environment (see the README's configuration table).
import { env } from "@/lib/env";
import packageJson from "@/package.json";

export type DeliveryConfig = {
  retryDelaysMs: number[];
  disableAfterFailures: number;
  timeoutMs: number;
  maxBatch: number;
  concurrency: number;
  concurrencyPerEndpoint: number;
  policy: { allowHttp: boolean; allowPrivateNetworks: boolean };
  retentionDays: number;
  userAgent: string;
};

export const PRODUCT_VERSION: string = packageJson.version;

export function deliveryConfigFromEnv(): DeliveryConfig {
  return {
    retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS,
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxBatch: env.WEBHOOK_MAX_BATCH,
    concurrency: env.WEBHOOK_CONCURRENCY,
    concurrencyPerEndpoint: env.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
    policy: { allowHttp: env.WEBHOOK_ALLOW_HTTP, allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS },
    retentionDays: env.WEBHOOK_LOG_RETENTION_DAYS,
    userAgent: `ComplianceWebhooks/${PRODUCT_VERSION} (+webhook delivery)`,
  };
}
