// `npm run simulate -- [--account <name>] [--devices 100] [--rate 10] [--duration <s>] [--seed <n>]`
// Drives realistic status changes of simulated devices (SIM-0001 ...) through the same service as
// the console, for demos and benchmarks. A second process on the console's database: the console's
// dispatcher (or `npm run worker`) delivers the notifications.
import { env } from "@/lib/env";
import { migrateDatabase } from "@/lib/migrate";
import { flagErrors, SIMULATE_USAGE, simulateFlagsSchema } from "@/lib/simulator/options";
import { exitWithUsage, parseCommandLine } from "./lib/cli";

function fail(message: string): never {
  exitWithUsage(message, SIMULATE_USAGE);
}

const values = parseCommandLine<string | boolean>(SIMULATE_USAGE, {
  account: { type: "string" },
  devices: { type: "string" },
  rate: { type: "string" },
  duration: { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean", short: "h" },
});
if (values.help) {
  console.log(SIMULATE_USAGE);
  process.exit(0);
}
const { help: _help, ...flags } = values;
const parsed = simulateFlagsSchema.safeParse(flags);
if (!parsed.success) fail(flagErrors(parsed.error));
const options = parsed.data;

migrateDatabase(env.DATABASE_URL, { quiet: true });
const { db } = await import("@/lib/db");
const { DEMO_ACCOUNT } = await import("@/lib/seed");
const { getWebhookSettings } = await import("@/lib/webhooks/settings");
const { findAccountByName } = await import("@/lib/accounts");
const { runSimulation } = await import("@/lib/simulator/runner");
const { formatProgressLine, formatSummary } = await import("@/lib/simulator/progress");
const { simulatedDeviceId } = await import("@/lib/simulator/fleet");
const { freshSeed } = await import("@/lib/simulator/random");

const accountName = options.account ?? DEMO_ACCOUNT;
const account = await findAccountByName(accountName);
if (!account) {
  await db.$disconnect();
  fail(
    options.account === undefined
      ? `The demo account "${DEMO_ACCOUNT}" does not exist (npm start creates it on an empty database). Name an account with --account.`
      : `No account is named "${accountName}". Create one with npm run user:create, or name another with --account.`,
  );
}

const webhook = await getWebhookSettings(account.id);
const webhookNote = !webhook
  ? "Webhook: not configured, so the changes queue no notifications."
  : webhook.enabled
    ? `Webhook: on for ${webhook.events.join(", ")}; the console's dispatcher (or npm run worker) delivers.`
    : webhook.disabledReason
      ? "Webhook: disabled after failures; notifications are held until an administrator re-enables it."
      : "Webhook: off, so the changes queue no notifications.";

const seed = options.seed ?? freshSeed();
const durationMs = options.duration === undefined ? null : options.duration * 1000;
console.log(
  `Simulating ${options.devices} devices (${simulatedDeviceId(1)}..${simulatedDeviceId(options.devices)}) of "${account.name}" at ${options.rate} changes/s ${
    durationMs === null ? "until Ctrl-C" : `for ${options.duration} s (Ctrl-C stops early)`
  }, seed ${seed}.`,
);
console.log(webhookNote);

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C does not wait
    controller.abort();
  });
}

// A TTY gets one line rewritten in place; a pipe or a log file gets a plain line every few seconds.
const live = process.stdout.isTTY === true;
const PLAIN_LINE_EVERY = 5;
let ticks = 0;
let lineShown = false;

try {
  const summary = await runSimulation(
    { accountId: account.id, devices: options.devices, ratePerSecond: options.rate, durationMs, seed },
    {
      signal: controller.signal,
      onProgress(progress) {
        const line = formatProgressLine(progress);
        if (live) {
          process.stdout.write(`\r${line}\x1b[K`);
          lineShown = true;
        } else if (++ticks % PLAIN_LINE_EVERY === 0) console.log(line);
      },
    },
  );
  if (lineShown) process.stdout.write("\n");
  console.log(formatSummary(summary, seed));
  process.exitCode = summary.errors > 0 ? 1 : 0;
} catch (error) {
  if (lineShown) process.stdout.write("\n");
  console.error(`The simulation stopped: ${(error as Error).message.trim().split("\n")[0]}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
