// The one place that reads process.env: validated once with zod, typed for everything else.
// Not "server-only" so that the CLI scripts and the proxy can import it; it holds no client code.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default("data"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres:\/\/|postgresql:\/\/)/, "must start with file:, postgres:// or postgresql://")
    .optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  NEXTAUTH_URL: z.url("must be the console's public URL, e.g. https://console.example.com").optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SEED_DEMO: booleanFlag.default(true),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be comma-separated milliseconds, e.g. 4000,60000")
    .default("4000,60000")
    .transform((value) => value.split(",").map(Number)),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(100),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(100),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: z.coerce.number().int().min(1).max(256).default(8),
  WEBHOOK_ALLOW_HTTP: booleanFlag,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: booleanFlag,
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  DISPATCHER_IN_PROCESS: booleanFlag.default(true),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/_-]{43}=?$/, "must be 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
});

export type Env = z.infer<typeof schema> & { DATABASE_URL: string; AUTH_SECRET: string; DATA_DIR: string; ENCRYPTION_KEY: string };

// Exported for tests; the app uses `env` below.
export function parseEnvironment(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return {
    ...parsed.data,
    DATA_DIR: dataDir,
    DATABASE_URL: parsed.data.DATABASE_URL ?? `file:${path.join(dataDir, "app.db")}`,
    AUTH_SECRET: parsed.data.AUTH_SECRET ?? readOrCreateSecret(dataDir, "auth-secret"),
    ENCRYPTION_KEY: parsed.data.ENCRYPTION_KEY ?? readOrCreateSecret(dataDir, "encryption-key"),
  };
}

// A secret that is generated on first run and kept beside the database, so that a fresh install
// needs no configuration and sessions survive restarts. "wx" makes concurrent first runs agree.
function readOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

export const env: Env = parseEnvironment();
