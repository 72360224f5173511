import { beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/sign-in";
import { LOCKOUT_MS } from "@/lib/auth/throttle";
import { createUserWithAccount } from "@/lib/users";

let password = "";
beforeAll(async () => {
  ({ password } = await createUserWithAccount({ accountName: "Sign-in Test", email: "Person@Example.test", role: "admin" }, "test"));
});

const at = (minutes: number) => new Date(Date.parse("2026-11-29T09:00:00Z") + minutes * 60_000);

describe("sign-in with email and password", () => {
  it("accepts the right password, whatever the email's case", async () => {
    const result = await authenticate(" PERSON@example.test ", password, at(0));
    expect(result).toMatchObject({ ok: true, user: { email: "person@example.test", role: "admin" } });
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await authenticate("person@example.test", "wrong", at(0))).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate("ghost@example.test", "wrong", at(0))).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks an email for 15 minutes after 10 failures in a row, then lets it in again", async () => {
    await authenticate("person@example.test", password, at(0)); // a success resets the count
    for (let i = 1; i <= 9; i++) {
      expect(await authenticate("person@example.test", `wrong-${i}`, at(1))).toEqual({ ok: false, reason: "invalid" });
    }
    const tenth = await authenticate("person@example.test", "wrong-10", at(1));
    expect(tenth).toEqual({ ok: false, reason: "locked", until: new Date(at(1).getTime() + LOCKOUT_MS) });
    expect(await authenticate("person@example.test", password, at(15))).toMatchObject({ ok: false, reason: "locked" });
    expect(await authenticate("person@example.test", password, at(16))).toMatchObject({ ok: true });
  });

  it("a success resets the count, so failures must be in a row", async () => {
    for (let i = 0; i < 9; i++) await authenticate("person@example.test", "wrong", at(30));
    expect(await authenticate("person@example.test", password, at(30))).toMatchObject({ ok: true });
    for (let i = 0; i < 9; i++) {
      expect(await authenticate("person@example.test", "wrong", at(31))).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("locks unknown emails too, so a lockout does not reveal whether an account exists", async () => {
    for (let i = 0; i < 9; i++) await authenticate("nobody@example.test", "wrong", at(40));
    expect(await authenticate("nobody@example.test", "wrong", at(40))).toMatchObject({ ok: false, reason: "locked" });
  });
});
