// Delivery inside a long-running process: the dispatcher, the retention job, and a clean stop.
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { startProcessDispatcher, type Dispatcher } from "@/lib/webhooks/dispatcher";
import { startRetentionJob } from "@/lib/webhooks/retention";

export function startDelivery(): { dispatcher: Dispatcher; stop: () => Promise<void> } {
  const dispatcher = startProcessDispatcher();
  const stopRetention = startRetentionJob(env.WEBHOOK_LOG_RETENTION_DAYS);
  return {
    dispatcher,
    async stop() {
      stopRetention();
      await dispatcher.stop();
    },
  };
}

// For the web process: starts unless turned off, and finishes attempts under way on SIGTERM.
export function startInProcessDelivery(): void {
  if (!env.DISPATCHER_IN_PROCESS) {
    logger.info("in-process dispatcher is off (DISPATCHER_IN_PROCESS=false); run `npm run worker`");
    return;
  }
  const delivery = startDelivery();
  process.once("SIGTERM", () => void delivery.stop());
}
