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
import { claimDuePushes, formPushes, nextDueAt, settleAttempts, type ClaimRequest, type FormingLeaser, type LeasedPush, type PushOutcome, type Settlement } from "@/lib/webhooks/pushes";
import { loadDeliveryCredentialsOf, type DeliveryCredentials } from "@/lib/webhooks/settings";
import { onNewWork, signalOtherProcesses } from "@/lib/webhooks/wake";

const SAFETY_SWEEP_MS = 60_000;
const LEASE_MARGIN_MS = 5_000;
const BLOCKED_RECHECK_MS = 100;
// How long a group of answers waits for more before it is recorded (see the constructor).
const SETTLE_GATHER_MS = 2;

export type DispatcherOptions = { config?: DeliveryConfig; client?: WebhookClient; safetySweepMs?: number };

export class Dispatcher implements FormingLeaser {
  readonly config: DeliveryConfig;
  private readonly client: WebhookClient;
  private readonly safetySweepMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perAccount = new Map<string, number>();
  // Sending slots held for pushes being formed in this process's transactions (reserveSlot), until
  // they start or their transaction fails.
  private readonly reserved = new Map<string, number>();
  private readonly starting = new Set<Promise<void>>();
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
    // Under load, a group waits briefly for three quarters of the sends under way to answer: fewer,
    // larger commits (see groupCommit). With few sends under way it hardly waits.
    this.settle = groupCommit((settlements: Settlement[]) => this.settleAndClaim(settlements), {
      gather: { size: () => Math.floor((this.inFlight.size * 3) / 4), maxWaitMs: SETTLE_GATHER_MS },
    });
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
          // What finds a free slot here is sent without a claim; the rest waits queued, for any dispatcher.
          const formed = await formPushes(this.config, new Date(), this);
          this.sendLeased(formed.leased);
          if (formed.pushes > formed.leased.length) {
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
    const request = this.claimRequest(this.config.concurrency - this.slotsInUse(), this.activePerAccount());
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
    const active = this.activePerAccount();
    for (const { push } of settlements) decrement(active, push.accountId);
    const room = this.stopping ? 0 : this.config.concurrency - this.slotsInUse() + settlements.length;
    const generation = this.claimGeneration;
    const { outcomes, claimed } = await settleAttempts(settlements, this.config, this.claimRequest(room, active));
    this.noteClaim(generation, claimed.length, room);
    await this.startDeliveries(claimed);
    return outcomes;
  }

  get leaseMs(): number {
    return this.config.timeoutMs + LEASE_MARGIN_MS;
  }

  reserveSlot(accountId: string): boolean {
    if (this.stopping || this.slotsInUse() >= this.config.concurrency) return false;
    if ((this.perAccount.get(accountId) ?? 0) + (this.reserved.get(accountId) ?? 0) >= this.config.concurrencyPerEndpoint) return false;
    this.reserved.set(accountId, (this.reserved.get(accountId) ?? 0) + 1);
    return true;
  }

  releaseSlots(pushes: Pick<LeasedPush, "accountId">[]): void {
    for (const { accountId } of pushes) decrement(this.reserved, accountId);
  }

  // Pushes leased to this dispatcher in a forming transaction that has committed: they go out in
  // the slots reserved for them, once the commit is on disk. Should that fail, or the dispatcher be
  // stopping, their lease expires and they are claimed as abandoned sends (the same webhook-id).
  sendLeased(pushes: LeasedPush[]): void {
    if (pushes.length === 0) return;
    if (this.stopping) return this.releaseSlots(pushes);
    const starting = this.startDeliveries(pushes, () => this.releaseSlots(pushes))
      .catch((error: unknown) => {
        this.releaseSlots(pushes);
        this.log.error({ err: error }, "could not start pushes leased at forming; they are retried when their lease expires");
      })
      .finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  private slotsInUse(): number {
    let reserved = 0;
    for (const count of this.reserved.values()) reserved += count;
    return this.inFlight.size + reserved;
  }

  private activePerAccount(): Map<string, number> {
    const active = new Map(this.perAccount);
    for (const [accountId, count] of this.reserved) active.set(accountId, (active.get(accountId) ?? 0) + count);
    return active;
  }

  private claimRequest(limit: number, active: ReadonlyMap<string, number>): ClaimRequest {
    const now = new Date();
    this.lastClaimAt = now.getTime();
    return { limit, leaseMs: this.leaseMs, perAccount: { limit: this.config.concurrencyPerEndpoint, active }, now };
  }

  // `beforeStart`: runs just before the deliveries count in the sending slots.
  private async startDeliveries(claimed: LeasedPush[], beforeStart?: () => void): Promise<void> {
    if (claimed.length === 0) return;
    // What this process committed durably (a push formed with its change) goes out once it is on disk.
    await durableCommitsSynced();
    const credentials = await loadDeliveryCredentialsOf([...new Set(claimed.map((push) => push.accountId))]);
    beforeStart?.();
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
        decrement(this.perAccount, push.accountId);
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
    await Promise.allSettled([...this.starting]);
    await Promise.allSettled([...this.inFlight.values()]);
    await this.client.close();
    if (globalForDispatcher.webhookDispatcher === this) delete globalForDispatcher.webhookDispatcher;
    this.log.info("dispatcher stopped");
  }

  // For tests and the worker's health: how many attempts are under way.
  get activeDeliveries(): number {
    return this.inFlight.size;
  }
}

// The process's one dispatcher, kept on globalThis (Next.js may load this module more than once).
const globalForDispatcher = globalThis as unknown as { webhookDispatcher?: Dispatcher };

// The dispatcher this process runs, if any: a status change made here hands it the pushes it forms.
export function processDispatcher(): Dispatcher | undefined {
  return globalForDispatcher.webhookDispatcher;
}

export function startProcessDispatcher(options?: DispatcherOptions): Dispatcher {
  if (!globalForDispatcher.webhookDispatcher) {
    globalForDispatcher.webhookDispatcher = new Dispatcher(options);
    globalForDispatcher.webhookDispatcher.start();
  }
  return globalForDispatcher.webhookDispatcher;
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
