// The one structured logger: JSON lines on stdout, secrets censored by path before they are written.
// Not "server-only": the standalone worker and the CLI scripts import it too.
import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from "pino";
import { env } from "@/lib/env";

const CENSOR = "[redacted]";

// Keys that may hold an API key, signing secret, password or signature, at the top level, one level
// down (`*.`) and inside a request's headers, e.g. an attempt's logged `request.headers`.
const REDACTED_PATHS = [
  "authorization",
  "Authorization",
  "apiKey",
  "api_key",
  "signingSecret",
  "signing_secret",
  "secret",
  "password",
  "passwordHash",
  "token",
  '["webhook-signature"]',
  "headers.authorization",
  "headers.Authorization",
  'headers["webhook-signature"]',
  "*.authorization",
  "*.Authorization",
  "*.apiKey",
  "*.api_key",
  "*.signingSecret",
  "*.signing_secret",
  "*.secret",
  "*.password",
  "*.passwordHash",
  "*.token",
  '*["webhook-signature"]',
  "*.headers.authorization",
  "*.headers.Authorization",
  '*.headers["webhook-signature"]',
];

// Builds a logger with the app's settings; tests pass an in-memory destination (and a level, since
// the test setup silences LOG_LEVEL).
export function createLogger(destination?: DestinationStream, level: LevelWithSilent = env.LOG_LEVEL): Logger {
  const options = {
    level,
    base: { service: "compliance-webhooks", pid: process.pid },
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const logger = createLogger();

// A logger that stamps every line with the given context, e.g. { component: "dispatcher", accountId }.
export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger.child(bindings);
}
