// The dispatcher: forms pushes from the outbox, leases due pushes, sends them with bounded
// concurrency (overall and per account endpoint), and sleeps until new work is signalled or the
// next retry is due. It never spins on a short poll; a slow safety sweep catches work written by
// other processes. Runs in the web process (instrumentation.ts) or alone (npm run worker).
import { logger } from "@/lib/logger";
import { deliveryConfigFromEnv, type DeliveryConfig } from "@/lib/webhooks/config";
import { deliverPush } from "@/lib/webhooks/delivery";
import { createWebhookClient, type WebhookClient } from "@/lib/webhooks/http";
import { claimDuePushes, formPushes, nextDueAt, type PushRecord } from "@/lib/webhooks/pushes";
import { onNewWork } from "@/lib/webhooks/wake";

const SAFETY_SWEEP_MS = 60_000;
const LEASE_MARGIN_MS = 5_000;

export type DispatcherOptions = { config?: DeliveryConfig; client?: WebhookClient; safetySweepMs?: number };

export class Dispatcher {
  readonly config: DeliveryConfig;
  private readonly client: WebhookClient;
  private readonly safetySweepMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perAccount = new Map<string, number>();
  private cycle: Promise<void> | null = null;
  private rerun = false;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private unsubscribe: (() => void) | null = null;
  private readonly log = logger.child({ component: "dispatcher" });

  constructor(options: DispatcherOptions = {}) {
    this.config = options.config ?? deliveryConfigFromEnv();
    this.client = options.client ?? createWebhookClient({
      policy: this.config.policy,
      timeoutMs: this.config.timeoutMs,
      userAgent: this.config.userAgent,
      maxConnectionsPerOrigin: this.config.concurrencyPerEndpoint,
    });
    this.safetySweepMs = options.safetySweepMs ?? SAFETY_SWEEP_MS;
  }

  start(): void {
    this.unsubscribe = onNewWork(() => this.wake());
    this.log.info({ retryDelaysMs: this.config.retryDelaysMs, disableAfterFailures: this.config.disableAfterFailures }, "dispatcher started");
    this.wake();
  }

  // Runs a cycle now, or right after the one under way.
  wake(): void {
    if (this.stopping) return;
    if (this.cycle) {
      this.rerun = true;
      return;
    }
    this.cycle = this.runCycles().finally(() => {
      this.cycle = null;
    });
  }

  private async runCycles(): Promise<void> {
    do {
      this.rerun = false;
      try {
        await formPushes(this.config);
        await this.sendDuePushes();
      } catch (error) {
        this.log.error({ err: error }, "dispatch cycle failed; retrying at the next wake");
      }
      // A wake while the next due time is read (a round trip on PostgreSQL) must not be lost.
      if (!this.rerun) await this.scheduleNextWake();
    } while (this.rerun && !this.stopping);
  }

  private async sendDuePushes(): Promise<void> {
    const room = this.config.concurrency - this.inFlight.size;
    const claimed = await claimDuePushes(room, this.config.timeoutMs + LEASE_MARGIN_MS, {
      limit: this.config.concurrencyPerEndpoint,
      active: this.perAccount,
    });
    for (const push of claimed) this.startDelivery(push);
  }

  private startDelivery(push: PushRecord): void {
    this.perAccount.set(push.accountId, (this.perAccount.get(push.accountId) ?? 0) + 1);
    const delivery = deliverPush(push, this.client, this.config)
      .then((outcome) => {
        if (outcome.state === "superseded") this.log.warn({ pushId: push.id }, "lease expired before the attempt was recorded; another worker holds the push now");
        else this.log.debug({ pushId: push.id, attempt: push.attemptCount + 1, state: outcome.state }, "push attempt settled");
        if (outcome.disabledIntegration) this.log.warn({ accountId: push.accountId }, "webhook integration disabled after consecutive failures");
      })
      .catch((error) => this.log.error({ err: error, pushId: push.id }, "delivery failed unexpectedly; the lease will expire and it is retried"))
      .finally(() => {
        this.inFlight.delete(push.id);
        const remaining = (this.perAccount.get(push.accountId) ?? 1) - 1;
        if (remaining > 0) this.perAccount.set(push.accountId, remaining);
        else this.perAccount.delete(push.accountId);
        this.wake();
      });
    this.inFlight.set(push.id, delivery);
  }

  private async scheduleNextWake(): Promise<void> {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    let delay = this.safetySweepMs;
    try {
      const due = await nextDueAt();
      if (due) delay = Math.min(delay, Math.max(0, due.getTime() - Date.now()));
    } catch (error) {
      this.log.error({ err: error }, "could not read the next due time");
    }
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref?.();
  }

  // Clean shutdown: no new claims; attempts under way finish and are recorded. A push claimed by a
  // process that dies anyway is taken over when its lease expires.
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.cycle;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.client.close();
    this.log.info("dispatcher stopped");
  }

  // For tests and the worker's health: how many attempts are under way.
  get activeDeliveries(): number {
    return this.inFlight.size;
  }
}

// The process's one dispatcher, kept on globalThis (Next.js may load this module more than once).
const globalForDispatcher = globalThis as unknown as { webhookDispatcher?: Dispatcher };

export function startProcessDispatcher(options?: DispatcherOptions): Dispatcher {
  if (!globalForDispatcher.webhookDispatcher) {
    globalForDispatcher.webhookDispatcher = new Dispatcher(options);
    globalForDispatcher.webhookDispatcher.start();
  }
  return globalForDispatcher.webhookDispatcher;
}
