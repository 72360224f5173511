// The flags of `npm run simulate`, validated with zod at the boundary. Pure (no database).
import { z } from "zod";
import { MAX_SEED } from "@/lib/simulator/random";

export const SIMULATE_USAGE =
  "Usage: npm run simulate -- [--account <name>] [--devices <count>] [--rate <changes per second>] [--duration <seconds>] [--seed <number>]";

export const SIMULATE_DEFAULTS = { devices: 100, rate: 10 } as const;
export const MAX_SIMULATED_DEVICES = 100_000;
export const MAX_RATE = 10_000;

// A number flag: parseArgs hands over text; anything that is not a valid number gets `message`.
function numberFlag(message: string, valid: (value: number) => boolean) {
  return z
    .string()
    .trim()
    .transform((text, context) => {
      const value = text === "" ? Number.NaN : Number(text);
      if (Number.isFinite(value) && valid(value)) return value;
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    });
}

export const simulateFlagsSchema = z.object({
  account: z.string().trim().min(1, "Enter the account's name.").optional(),
  devices: numberFlag(`Enter a whole number of devices from 1 to ${MAX_SIMULATED_DEVICES}.`, (value) => Number.isInteger(value) && value >= 1 && value <= MAX_SIMULATED_DEVICES).default(
    SIMULATE_DEFAULTS.devices,
  ),
  rate: numberFlag(`Enter the changes per second: more than 0, at most ${MAX_RATE}.`, (value) => value > 0 && value <= MAX_RATE).default(SIMULATE_DEFAULTS.rate),
  duration: numberFlag("Enter the duration in seconds: more than 0 (leave it out to run until Ctrl-C).", (value) => value > 0 && value <= 366 * 24 * 3600).optional(),
  seed: numberFlag(`Enter a whole number from 0 to ${MAX_SEED}.`, (value) => Number.isInteger(value) && value >= 0 && value <= MAX_SEED).optional(),
});

export type SimulateFlags = z.output<typeof simulateFlagsSchema>;

// The flag errors, one line per flag: "--rate: Enter the changes per second ...".
export function flagErrors(error: z.ZodError): string {
  const fields = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  return Object.entries(fields)
    .map(([flag, messages]) => `--${flag}: ${messages?.join("; ")}`)
    .join("\n");
}
