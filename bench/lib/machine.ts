// What the figures were measured on: a benchmark result means little without its machine.
import os from "node:os";
import pg from "pg";

export type Machine = { cpu: string; cores: number; memoryGiB: number; os: string; node: string; postgres: string | null; loadAverageAtStart: number[] };

export async function describeMachine(postgresServerUrl: string | null): Promise<Machine> {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: postgresServerUrl ? await postgresVersion(postgresServerUrl) : null,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}
