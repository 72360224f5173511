// `npm run worker`: the webhook dispatcher as its own process, for scale-out or to keep delivery
// apart from the web process (then set DISPATCHER_IN_PROCESS=false on the web processes).
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { migrateDatabase } from "@/lib/migrate";

migrateDatabase(env.DATABASE_URL, { quiet: true });
const { startDelivery } = await import("@/lib/webhooks/process");
const { db } = await import("@/lib/db");
const delivery = startDelivery();

logger.info({ pid: process.pid }, "webhook worker running");

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "webhook worker stopping: finishing attempts under way");
    await delivery.stop();
    await db.$disconnect();
    process.exit(0);
  });
}
