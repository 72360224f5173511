// Encryption at rest for API keys and signing secrets: AES-256-GCM with the key from env.ENCRYPTION_KEY.
// Tokens are self-describing, "v1.<iv>.<tag>.<ciphertext>" (base64url), so the scheme can change later.
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// The version is authenticated too, so a token cannot be relabelled as another scheme.
const AAD = Buffer.from(VERSION, "utf8");
const BASE64URL = /^[A-Za-z0-9_-]*$/;

// Raised for a wrong key, a tampered token or a malformed one; the message never carries the token.
export class SecretDecryptionError extends Error {
  constructor(readonly reason: "malformed" | "authentication-failed") {
    super(
      reason === "malformed"
        ? "Stored secret could not be decrypted: the token is malformed"
        : "Stored secret could not be decrypted: wrong ENCRYPTION_KEY or the token was altered",
    );
    this.name = "SecretDecryptionError";
  }
}

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(token: string): string;
}

// Strict base64url: rejects other characters and non-canonical trailing bits, so that a changed
// character can never decode to the same bytes and slip past the authentication tag.
function decodeBase64url(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

// Pure AES-256-GCM box around a given 32-byte key; tests use it with two different keys.
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new RangeError(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  const secretKey = Buffer.from(key);

  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
    },
    decrypt(token) {
      const parts = token.split(".");
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretDecryptionError("malformed");
      const [iv, tag, ciphertext] = parts.slice(1).map(decodeBase64url);
      if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== TAG_BYTES || !ciphertext) {
        throw new SecretDecryptionError("malformed");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", secretKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretDecryptionError("authentication-failed");
      }
    },
  };
}

// ENCRYPTION_KEY is 32 bytes as base64url (the generated key file) or standard base64 (openssl rand -base64 32).
export function decodeEncryptionKey(encoded: string): Buffer {
  const normalized = encoded.trim().replace(/-/g, "+").replace(/_/g, "/");
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(normalized) ? Buffer.from(normalized, "base64") : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new Error(`ENCRYPTION_KEY must be ${KEY_BYTES} bytes encoded as base64 or base64url`);
  return key;
}

let defaultBox: SecretBox | undefined;
function box(): SecretBox {
  defaultBox ??= createSecretBox(decodeEncryptionKey(env.ENCRYPTION_KEY));
  return defaultBox;
}

// Encrypts an API key or signing secret for storage; a fresh IV each time, so equal values differ.
export function encryptSecret(plain: string): string {
  return box().encrypt(plain);
}

// Decrypts a stored token; throws SecretDecryptionError for a wrong key or an altered token.
export function decryptSecret(token: string): string {
  return box().decrypt(token);
}

const MASK = "••••••••";

// What the console shows instead of a secret: the last 4 characters only, none for short secrets.
export function maskSecret(plain: string): string {
  const chars = Array.from(plain);
  return chars.length < 8 ? MASK : MASK + chars.slice(-4).join("");
}
