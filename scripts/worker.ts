// `npm run worker`: the webhook dispatcher as its own process, for scale-out or to keep delivery
// apart from the web process (then set DISPATCHER_IN_PROCESS=false on the web processes).
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { migrateDatabase } from "@/lib/migrate";

migrateDatabase(env.DATABASE_URL, { quiet: true });
const { startDelivery } = await import("@/lib/webhooks/process");
const { db } = await import("@/lib/db");
const delivery = startDelivery();

// The dispatcher's timers do not hold a process open (the web process exits on its own terms);
// a worker lives until it is told to stop, even while idle.
const keepAlive = setInterval(() => undefined, 2 ** 30);
logger.info("webhook worker running");

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "webhook worker stopping: finishing attempts under way");
    clearInterval(keepAlive);
    await delivery.stop();
    await db.$disconnect();
    process.exit(0);
  });
}
