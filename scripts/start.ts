// `npm start`: build if needed, apply migrations, seed a demo account on an empty database
// (printing its generated password once), then serve the console with scripts/serve.mjs (Next.js
// behind an admission gate), in a process of its own: this one runs under the react-server condition.
import { spawn } from "node:child_process";
import path from "node:path";
import { env } from "@/lib/env";
import { migrateDatabase } from "@/lib/migrate";
import { buildIfNeeded, root } from "./lib/build";

async function seedDemo(): Promise<void> {
  const { seedDemoIfEmpty } = await import("@/lib/seed");
  const { db } = await import("@/lib/db");
  const credentials = await seedDemoIfEmpty();
  await db.$disconnect();
  if (!credentials) return;
  console.log(
    [
      "",
      "  A demo enterprise account was created. Sign in with:",
      `    email:    ${credentials.email}`,
      `    password: ${credentials.password}`,
      "  The password is shown only this once; it is stored as a hash.",
      "",
    ].join("\n"),
  );
}

buildIfNeeded();
migrateDatabase(env.DATABASE_URL);
if (env.SEED_DEMO) await seedDemo();

const url = `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${env.PORT}`;
console.log(`Compliance Webhooks Console: ${url}`);
// A CPU profile asked of this process (`npm run bench` with BENCH_CPU_PROF) is wanted of the server it starts.
const profiling = process.execArgv.filter((flag) => flag.startsWith("--cpu-prof"));
const server = spawn(process.execPath, [...profiling, path.join(root, "scripts/serve.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(env.PORT), HOST: env.HOST, NEXTAUTH_URL: env.NEXTAUTH_URL ?? url, AUTH_SECRET: env.AUTH_SECRET },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
