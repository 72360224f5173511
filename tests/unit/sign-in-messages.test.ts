import { describe, expect, it } from "vitest";
import { describeSignInError, encodeLocked } from "@/lib/auth/messages";
import { safeCallbackPath } from "@/lib/safe-redirect";

describe("sign-in messages", () => {
  it("says how long a locked email must wait", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    expect(describeSignInError(encodeLocked(new Date(now + 15 * 60_000)), now)).toBe(
      "Too many failed sign-ins for this email. Sign-in is paused for 15 minutes; try again later.",
    );
    expect(describeSignInError(encodeLocked(new Date(now + 30_000)), now)).toContain("paused for 1 minute;");
  });

  it("gives one message for a wrong password and an unknown email", () => {
    expect(describeSignInError("invalid_credentials")).toBe("The email or password is incorrect.");
    expect(describeSignInError("CredentialsSignin")).toBe("The email or password is incorrect.");
    expect(describeSignInError(undefined)).toBeNull();
  });
});

describe("the path followed after sign-in", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeCallbackPath("/devices?status=compliant")).toBe("/devices?status=compliant");
  });

  it("refuses other origins and odd values", () => {
    for (const value of ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)", ["/a"], undefined, "/signin?x"]) {
      expect(safeCallbackPath(value)).toBe("/dashboard");
    }
  });
});
