import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvironment } from "@/lib/env";

describe("environment", () => {
  it("defaults to the embedded SQLite file under the data directory", () => {
    const env = parseEnvironment({ DATA_DIR: process.env.DATA_DIR, AUTH_SECRET: "x".repeat(32) });
    expect(env.DATABASE_URL).toBe(`file:${path.join(process.env.DATA_DIR!, "app.db")}`);
    expect(env.PORT).toBe(3000);
    expect(env.SEED_DEMO).toBe(true);
  });

  it("creates an auth secret once and reuses it", () => {
    const first = parseEnvironment({ DATA_DIR: process.env.DATA_DIR });
    const second = parseEnvironment({ DATA_DIR: process.env.DATA_DIR });
    expect(first.AUTH_SECRET).toHaveLength(43);
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
  });

  it("names every invalid variable in one clear error", () => {
    expect(() => parseEnvironment({ DATABASE_URL: "mysql://x", PORT: "99999", AUTH_SECRET: "short" })).toThrowError(
      /DATABASE_URL: must start with file:, postgres:\/\/ or postgresql:\/\/[\s\S]*AUTH_SECRET: must be at least 32 characters[\s\S]*PORT/,
    );
  });
});
