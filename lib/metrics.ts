// Prometheus metrics (GET /api/metrics): counters and a latency histogram updated by the delivery
// path, and gauges read from the database when scraped. One registry per process, on globalThis.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "@/lib/db";

function createMetrics() {
  const registry = new Registry();
  const pushes = new Counter({ name: "webhook_pushes_total", help: "Pushes settled, by result", labelNames: ["result"] as const, registers: [registry] });
  const attempts = new Counter({ name: "webhook_attempts_total", help: "HTTP attempts, by outcome class", labelNames: ["outcome"] as const, registers: [registry] });
  const latency = new Histogram({
    name: "webhook_attempt_duration_seconds",
    help: "Duration of one HTTP attempt",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "webhook_queue_depth",
    help: "Notifications waiting to be delivered (pending or in a push under way)",
    registers: [registry],
    async collect() {
      // One count a state: with an IN list SQLite would not use the index of undelivered notifications.
      const [pending, queued] = await Promise.all([db.notification.count({ where: { state: "pending" } }), db.notification.count({ where: { state: "queued" } })]);
      this.set(pending + queued);
    },
  });
  new Gauge({
    name: "webhook_held_notifications",
    help: "Notifications kept while an integration is disabled",
    registers: [registry],
    async collect() {
      this.set(await db.notification.count({ where: { state: "held" } }));
    },
  });
  new Gauge({
    name: "webhook_disabled_integrations",
    help: "Integrations disabled automatically after consecutive failures",
    registers: [registry],
    async collect() {
      this.set(await db.webhookIntegration.count({ where: { enabled: false, disabledReason: { not: null } } }));
    },
  });
  return { registry, pushes, attempts, latency };
}

const globalForMetrics = globalThis as unknown as { webhookMetrics?: ReturnType<typeof createMetrics> };
export const metrics = (globalForMetrics.webhookMetrics ??= createMetrics());
