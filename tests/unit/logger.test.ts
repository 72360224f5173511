import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/logger";

function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger({ write: (line: string) => void lines.push(line) }, "info");
  return { logger, lines };
}

describe("logger", () => {
  it("writes JSON lines tagged with the service name", () => {
    const { logger, lines } = memoryLogger();
    logger.info({ deliveryId: "d1" }, "delivered");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: "compliance-webhooks", deliveryId: "d1", msg: "delivered", level: 30 });
  });

  it("censors API keys, passwords and authorization headers", () => {
    const { logger, lines } = memoryLogger();
    logger.info({ headers: { authorization: "sk_live_secret" }, apiKey: "k-value-1", password: "p-value-2", url: "https://vendor.example/hook" }, "push");
    const line = lines[0]!;
    expect(line).not.toContain("sk_live_secret");
    expect(line).not.toContain("k-value-1");
    expect(line).not.toContain("p-value-2");
    expect(JSON.parse(line)).toMatchObject({
      headers: { authorization: "[redacted]" },
      apiKey: "[redacted]",
      password: "[redacted]",
      url: "https://vendor.example/hook",
    });
  });

  it("censors signatures and secrets one level down, also in child loggers", () => {
    const { logger, lines } = memoryLogger();
    const child = logger.child({ component: "dispatcher" });
    child.warn(
      {
        request: { headers: { authorization: "sk_live_nested", "webhook-signature": "v1,c2lnbmF0dXJl", "webhook-id": "msg_1" } },
        integration: { signingSecret: "whsec_abc", apiKey: "k2" },
        "webhook-signature": "v1,dG9wbGV2ZWw=",
      },
      "attempt failed",
    );
    const line = lines[0]!;
    for (const secret of ["sk_live_nested", "c2lnbmF0dXJl", "whsec_abc", "\"k2\"", "dG9wbGV2ZWw="]) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line);
    expect(parsed.request.headers).toEqual({ authorization: "[redacted]", "webhook-signature": "[redacted]", "webhook-id": "msg_1" });
    expect(parsed.integration).toEqual({ signingSecret: "[redacted]", apiKey: "[redacted]" });
    expect(parsed.component).toBe("dispatcher");
  });

  it("respects the level", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line: string) => void lines.push(line) }, "warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["shown"]);
  });
});
