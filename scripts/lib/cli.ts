// Flag parsing for the shell commands: strict flags, and exit status 2 with the usage on bad input.
import { parseArgs, type ParseArgsConfig } from "node:util";

export function exitWithUsage(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

export function parseCommandLine<Value = string>(usage: string, options: NonNullable<ParseArgsConfig["options"]>): Record<string, Value | undefined> {
  try {
    return parseArgs({ options, strict: true }).values as Record<string, Value | undefined>;
  } catch (error) {
    return exitWithUsage((error as Error).message, usage);
  }
}
