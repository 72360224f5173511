import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createSecretBox,
  decodeEncryptionKey,
  decryptSecret,
  encryptSecret,
  maskSecret,
  SecretDecryptionError,
} from "@/lib/crypto/secrets";

const PLAIN = "sk_live_51HxVendorApiKey0123456789";
const TOKEN = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/;

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Replaces the character at `index` with the one whose 6-bit value differs in `bit`: bit 5 always
// changes the decoded bytes; bit 0 of a final character only touches its unused padding bits.
function flipChar(text: string, index: number, bit = 5): string {
  const i = index < 0 ? text.length + index : index;
  const replacement = BASE64URL[BASE64URL.indexOf(text[i]!) ^ (1 << bit)]!;
  return text.slice(0, i) + replacement + text.slice(i + 1);
}

function decryptionError(run: () => unknown): SecretDecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretDecryptionError);
    return error as SecretDecryptionError;
  }
  throw new Error("expected decryption to fail");
}

describe("secret encryption at rest", () => {
  it("round-trips through the key from the environment", () => {
    const token = encryptSecret(PLAIN);
    expect(token).toMatch(TOKEN);
    expect(token).not.toContain(PLAIN);
    expect(decryptSecret(token)).toBe(PLAIN);
    expect(decryptSecret(encryptSecret(""))).toBe("");
    expect(decryptSecret(encryptSecret("ключ ✓ 🔑"))).toBe("ключ ✓ 🔑");
  });

  it("uses a fresh IV, so two encryptions of one value differ", () => {
    const first = encryptSecret(PLAIN);
    const second = encryptSecret(PLAIN);
    expect(first).not.toBe(second);
    expect(first.split(".")[1]).not.toBe(second.split(".")[1]);
    expect(decryptSecret(first)).toBe(decryptSecret(second));
  });

  it.each([
    ["the first ciphertext character", (t: string[]) => [t[0], t[1], t[2], flipChar(t[3]!, 0)]],
    ["the last ciphertext character", (t: string[]) => [t[0], t[1], t[2], flipChar(t[3]!, -1)]],
    ["the first tag character", (t: string[]) => [t[0], t[1], flipChar(t[2]!, 0), t[3]]],
    ["the last tag character", (t: string[]) => [t[0], t[1], flipChar(t[2]!, -1), t[3]]],
    // A 16-byte tag leaves 4 unused bits in its last character: lenient base64 would decode the same tag.
    ["only the unused bits of the last tag character", (t: string[]) => [t[0], t[1], flipChar(t[2]!, -1, 0), t[3]]],
    ["the IV", (t: string[]) => [t[0], flipChar(t[1]!, 3), t[2], t[3]]],
  ])("rejects a token with %s changed, without echoing token or plaintext", (_what, tamper) => {
    const token = encryptSecret(PLAIN);
    const tampered = tamper(token.split(".")).join(".");
    expect(tampered).not.toBe(token);
    const error = decryptionError(() => decryptSecret(tampered));
    expect(error.message).not.toContain(PLAIN);
    expect(error.message).not.toContain(tampered);
    expect(error.message).not.toContain(tampered.split(".")[3]);
  });

  it("rejects a token encrypted under a different key, without echoing token or plaintext", () => {
    const ours = createSecretBox(randomBytes(32));
    const theirs = createSecretBox(randomBytes(32));
    const token = theirs.encrypt(PLAIN);
    expect(theirs.decrypt(token)).toBe(PLAIN);
    const error = decryptionError(() => ours.decrypt(token));
    expect(error.reason).toBe("authentication-failed");
    expect(error.message).not.toContain(PLAIN);
    expect(error.message).not.toContain(token);
    expect(() => decryptSecret(token)).toThrow(SecretDecryptionError);
  });

  it("rejects malformed tokens as SecretDecryptionError", () => {
    const token = encryptSecret(PLAIN);
    const [, iv, tag, ciphertext] = token.split(".");
    for (const bad of [PLAIN, "", `v2.${iv}.${tag}.${ciphertext}`, `v1.${iv}.${tag}`, `v1.${iv}.${tag}.${ciphertext}=`, `v1.${iv}.${tag}.${ciphertext}.x`]) {
      const error = decryptionError(() => decryptSecret(bad));
      expect(error.reason).toBe("malformed");
      expect(error.message).not.toContain(PLAIN);
    }
  });

  it("accepts the key as base64url or standard base64 and insists on 32 bytes", () => {
    const key = randomBytes(32);
    expect(decodeEncryptionKey(key.toString("base64url")).equals(key)).toBe(true);
    expect(decodeEncryptionKey(key.toString("base64")).equals(key)).toBe(true);
    expect(() => decodeEncryptionKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
    expect(() => createSecretBox(randomBytes(31))).toThrow(RangeError);
    const token = createSecretBox(key).encrypt(PLAIN);
    expect(createSecretBox(decodeEncryptionKey(key.toString("base64"))).decrypt(token)).toBe(PLAIN);
  });
});

describe("maskSecret", () => {
  it("shows only the last 4 characters", () => {
    expect(maskSecret("sk_live_abcd")).toBe("••••••••abcd");
    expect(maskSecret("12345678")).toBe("••••••••5678");
    expect(maskSecret(PLAIN)).toBe("••••••••6789");
  });

  it("shows nothing of a secret under 8 characters, and the same mask whatever its length", () => {
    expect(maskSecret("abc1234")).toBe("••••••••");
    expect(maskSecret("x")).toBe("••••••••");
    expect(maskSecret("")).toBe("••••••••");
  });
});
