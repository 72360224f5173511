import { hkdfSync } from "node:crypto";
import { EncryptJWT } from "jose";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken } from "@/lib/auth/session-token";

const secret = "a-test-secret-of-the-console-0123456789";
const claims = { sub: "user_1", accountId: "account_1", role: "admin" };
const nowSeconds = () => Math.floor(Date.now() / 1000);

// Flips one bit of one base64url part of a compact JWE.
function tampered(token: string, part: number): string {
  const parts = token.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0]! ^= 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("session token decoding", () => {
  it("reads what next-auth wrote, claim for claim, as next-auth's own decode does", async () => {
    const token = await encode({ token: claims, secret });
    const decoded = await decodeSessionToken({ token, secret });
    expect(decoded).toMatchObject(claims);
    expect(decoded).toEqual(await decode({ token, secret }));
  });

  it("reads a token of a salted key only with the same salt", async () => {
    const token = await encode({ token: claims, secret, salt: "console" });
    expect(await decodeSessionToken({ token, secret, salt: "console" })).toEqual(await decode({ token, secret, salt: "console" }));
    expect(await decodeSessionToken({ token, secret })).toBeNull();
    expect(await decodeSessionToken({ token, secret, salt: "other" })).toBeNull();
  });

  it("refuses tokens of another secret, altered tokens, expired tokens and garbage", async () => {
    const token = await encode({ token: claims, secret });
    expect(await decodeSessionToken({ token, secret: `${secret}-other` })).toBeNull();
    for (const part of [0, 2, 3, 4]) expect(await decodeSessionToken({ token: tampered(token, part), secret })).toBeNull();
    expect(await decodeSessionToken({ token: await encode({ token: claims, secret, maxAge: -60 }), secret })).toBeNull();
    for (const garbage of [undefined, "", "a.b.c.d.e", token.split(".").slice(0, 4).join(".")]) {
      expect(await decodeSessionToken({ token: garbage, secret })).toBeNull();
    }
  });

  it("allows next-auth's 15 s of clock skew on expiry and not-before, and no more", async () => {
    expect(await decodeSessionToken({ token: await encode({ token: claims, secret, maxAge: -5 }), secret })).toMatchObject(claims);
    const notBefore = async (nbf: number) => decodeSessionToken({ token: await encode({ token: { ...claims, nbf }, secret }), secret });
    expect(await notBefore(nowSeconds() + 5)).toMatchObject(claims);
    expect(await notBefore(nowSeconds() + 60)).toBeNull();
  });

  // next-auth's decode takes any algorithm jose knows; a PBES2 token would make the server run as
  // many PBKDF2 rounds as the token asks for. The key is derived here as next-auth documents it.
  it("refuses a token under the right key but another key-management algorithm", async () => {
    const key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    for (const alg of ["A256KW", "PBES2-HS256+A128KW"]) {
      const token = await new EncryptJWT(claims).setProtectedHeader({ alg, enc: "A256GCM" }).setExpirationTime("1h").encrypt(key);
      expect(await decode({ token, secret }), `${alg}: next-auth reads it`).toMatchObject(claims);
      expect(await decodeSessionToken({ token, secret }), alg).toBeNull();
    }
  });
});
