// The dispatcher: forms pushes from the outbox, leases due pushes, sends them with bounded
// concurrency (overall and per account endpoint), records the attempts in group commits, and sleeps
// until new work is signalled or the next retry is due. It never spins on a short poll; a slow
// safety sweep catches work written by other processes. Runs in the web process
// (instrumentation.ts) or alone (npm run worker).
import { logger } from "@/lib/logger";
import { deliveryConfigFromEnv, type DeliveryConfig } from "@/lib/webhooks/config";
import { deliverPush } from "@/lib/webhooks/delivery";
import { groupCommit } from "@/lib/group-commit";
import { durableCommitsSynced, sqlOnPostgres } from "@/lib/sql";
import { createWebhookClient, type WebhookClient } from "@/lib/webhooks/http";
import { claimDuePushes, formPushes, nextDueAt, settleAttempts, type ClaimRequest, type LeasedPush, type PushOutcome, type Settlement } from "@/lib/webhooks/pushes";
import { loadDeliveryCredentialsOf, type DeliveryCredentials } from "@/lib/webhooks/settings";
import { onNewWork, signalOtherProcesses } from "@/lib/webhooks/wake";

const SAFETY_SWEEP_MS = 60_000;
const LEASE_MARGIN_MS = 5_000;
const BLOCKED_RECHECK_MS = 100;

export type DispatcherOptions = { config?: DeliveryConfig; client?: WebhookClient; safetySweepMs?: number };

export class Dispatcher {
  readonly config: DeliveryConfig;
  private readonly client: WebhookClient;
  private readonly safetySweepMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perAccount = new Map<string, number>();
  private readonly settle: (settlement: Settlement) => Promise<PushOutcome>;
  private cycle: Promise<void> | null = null;
  private rerun = false;
  // Whether the outbox may hold notifications not yet formed into pushes: set by new-work signals,
  // timers and start; a finished delivery only frees a sending slot and needs no outbox read.
  private outboxChanged = true;
  // When the last claim looked for due pushes: a push due only after that was not due to it yet.
  private lastClaimAt = 0;
  // Bumped by whatever can make more pushes claimable: new work, a due time reached, a sending slot
  // freed that no claim has refilled. A claim that found less than it had room for has seen
  // everything up to the generation it started at; until the next bump, claiming again finds nothing.
  // SQLite only: there a claim is pure overhead on the one thread; on PostgreSQL a settle's transaction
  // takes round trips, and claims of their own meanwhile keep the slots full (skipping them halved
  // one worker's rate in the throughput bench).
  private claimGeneration = 0;
  private exhaustedGeneration = -1;
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
    this.settle = groupCommit((settlements: Settlement[]) => this.settleAndClaim(settlements));
  }

  start(): void {
    this.unsubscribe = onNewWork(() => this.wake());
    this.log.info({ retryDelaysMs: this.config.retryDelaysMs, disableAfterFailures: this.config.disableAfterFailures }, "dispatcher started");
    this.wake();
  }

  // Runs a cycle now, or right after the one under way.
  wake(): void {
    this.outboxChanged = true;
    this.claimGeneration++;
    this.runSoon();
  }

  private runSoon(): void {
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
      let idleSlots = true;
      try {
        if (this.outboxChanged) {
          this.outboxChanged = false;
          // A large backlog is formed a slice per cycle, sending what is formed in between.
          const formed = await formPushes(this.config);
          if (formed.pushes > 0) {
            this.claimGeneration++;
            signalOtherProcesses();
          }
          if (formed.more) this.outboxChanged = this.rerun = true;
        }
        idleSlots = await this.sendDuePushes();
      } catch (error) {
        this.log.error({ err: error }, "dispatch cycle failed; retrying at the next wake");
      }
      // While every slot is busy, finishing deliveries start the next cycles: the next due time
      // matters only when a slot is free. A wake while it is read must not be lost.
      if (idleSlots && !this.rerun) await this.scheduleNextWake();
      else await new Promise((resolve) => setImmediate(resolve));
    } while (this.rerun && !this.stopping);
  }

  // Claims and starts what is due; whether sending slots are left free (nothing more was due).
  private async sendDuePushes(): Promise<boolean> {
    if (!sqlOnPostgres && this.exhaustedGeneration === this.claimGeneration) return true;
    const generation = this.claimGeneration;
    const request = this.claimRequest(this.config.concurrency - this.inFlight.size, this.perAccount);
    const claimed = await claimDuePushes(request);
    this.noteClaim(generation, claimed.length, request.limit);
    await this.startDeliveries(claimed);
    return claimed.length < request.limit;
  }

  private noteClaim(generation: number, claimed: number, limit: number): void {
    if (claimed < limit) this.exhaustedGeneration = Math.max(this.exhaustedGeneration, generation);
  }

  // Records a group of attempts and, in the same transaction, leases pushes for the slots they free.
  private async settleAndClaim(settlements: Settlement[]): Promise<PushOutcome[]> {
    const active = new Map(this.perAccount);
    for (const { push } of settlements) {
      const left = (active.get(push.accountId) ?? 1) - 1;
      if (left > 0) active.set(push.accountId, left);
      else active.delete(push.accountId);
    }
    const room = this.stopping ? 0 : this.config.concurrency - this.inFlight.size + settlements.length;
    const generation = this.claimGeneration;
    const { outcomes, claimed } = await settleAttempts(settlements, this.config, this.claimRequest(room, active));
    this.noteClaim(generation, claimed.length, room);
    await this.startDeliveries(claimed);
    return outcomes;
  }

  private claimRequest(limit: number, active: ReadonlyMap<string, number>): ClaimRequest {
    const now = new Date();
    this.lastClaimAt = now.getTime();
    return { limit, leaseMs: this.config.timeoutMs + LEASE_MARGIN_MS, perAccount: { limit: this.config.concurrencyPerEndpoint, active }, now };
  }

  private async startDeliveries(claimed: LeasedPush[]): Promise<void> {
    if (claimed.length === 0) return;
    // What this process committed durably (a push formed with its change) goes out once it is on disk.
    await durableCommitsSynced();
    const credentials = await loadDeliveryCredentialsOf([...new Set(claimed.map((push) => push.accountId))]);
    for (const push of claimed) this.startDelivery(push, credentials.get(push.accountId) ?? null);
  }

  private startDelivery(push: LeasedPush, credentials: DeliveryCredentials | null): void {
    this.perAccount.set(push.accountId, (this.perAccount.get(push.accountId) ?? 0) + 1);
    const delivery = deliverPush(push, credentials, this.client, this.config, this.settle)
      .then((outcome) => {
        if (outcome.state === "superseded") this.log.warn({ pushId: push.id }, "lease expired before the attempt was recorded; another worker holds the push now");
        else this.log.debug({ pushId: push.id, attempt: push.attemptCount + 1, state: outcome.state }, "push attempt settled");
        if (outcome.disabledIntegration) this.log.warn({ accountId: push.accountId }, "webhook integration disabled after consecutive failures");
      })
      .catch((error) => {
        this.log.error({ err: error, pushId: push.id }, "delivery failed unexpectedly; the lease will expire and it is retried");
        // Its settle did not run, so no claim refilled its sending slot.
        this.claimGeneration++;
      })
      .finally(() => {
        this.inFlight.delete(push.id);
        const remaining = (this.perAccount.get(push.accountId) ?? 1) - 1;
        if (remaining > 0) this.perAccount.set(push.accountId, remaining);
        else this.perAccount.delete(push.accountId);
        this.runSoon();
      });
    this.inFlight.set(push.id, delivery);
  }

  private async scheduleNextWake(): Promise<void> {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    let delay = this.safetySweepMs;
    try {
      const due = await nextDueAt();
      const untilDue = due ? due.getTime() - Date.now() : Infinity;
      // Due already yet not claimed: its account's sending slots are full, or another worker holds
      // it. Deliveries under way start the next cycles; with none under way, look again shortly.
      if (untilDue > 0) delay = Math.min(delay, untilDue);
      // Due only since the last claim looked (a timer may fire a millisecond early): claim it now.
      else if (due!.getTime() > this.lastClaimAt) delay = 0;
      else if (this.inFlight.size === 0) delay = Math.min(delay, BLOCKED_RECHECK_MS);
    } catch (error) {
      this.log.error({ err: error }, "could not read the next due time");
    }
    const sweep = delay === this.safetySweepMs;
    this.timer = setTimeout(() => {
      // The sweep also looks for notifications whose wake-up was missed; a due retry needs no outbox read.
      if (sweep) this.outboxChanged = true;
      this.claimGeneration++;
      this.runSoon();
    }, delay);
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
