// Vitest for the chaos suite (tests/chaos): real worker processes killed at random, faulty receivers,
// a busy database. Sized by CHAOS_RUNS and CHAOS_NOTIFICATIONS (see tests/chaos/delivery-chaos.test.ts);
// the same aliases and database set-up as vitest.config.ts (a migrated template, a copy per file).
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({ ...base, test: { ...base.test, include: ["tests/chaos/**/*.test.ts"], testTimeout: 300_000 } });
