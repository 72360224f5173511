// Reads next-auth's session token: a JWE (direct key, A256GCM) whose key next-auth derives from the
// secret with HKDF. next-auth's own decode derives the key again on every call, and every console
// page decodes the token twice (the proxy, then the page); here the key is derived once per secret.
// Not "server-only" so that the proxy can import it; it holds no client code.
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams } from "next-auth/jwt";

// As next-auth's decode: a token that expired less than this long ago is still accepted.
const CLOCK_TOLERANCE_SECONDS = 15;
// next-auth's HKDF "info"; a non-empty salt is appended to it.
const KEY_INFO = "NextAuth.js Generated Encryption Key";

// next-auth's session cookie: "__Secure-" prefixed when the console is served over https, and split
// into numbered chunks (".0", ".1", …) when it would exceed a cookie's size.
export const SESSION_COOKIE = "next-auth.session-token";
const SESSION_COOKIE_NAME = /^(?:__Secure-)?next-auth\.session-token(?:\.\d+)?$/;
export const isSessionCookieName = (name: string) => SESSION_COOKIE_NAME.test(name);

const derivedKeys = new Map<string, Uint8Array>();

// The same key next-auth's encode and decode derive (HKDF-SHA256, 32 bytes), derived once.
function encryptionKey(secret: string | Buffer, salt: string): Uint8Array {
  const id = `${salt}\u0000${typeof secret === "string" ? secret : secret.toString("base64")}`;
  let key = derivedKeys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, salt, salt ? `${KEY_INFO} (${salt})` : KEY_INFO, 32));
    derivedKeys.set(id, key);
  }
  return key;
}

// The token's claims, or null when it is malformed, forged, expired or not yet valid. A drop-in for
// next-auth's `jwt.decode` (withAuth, getToken). Only next-auth's own algorithms are accepted: jose
// would otherwise also take the secret as a PBES2 password, whose iteration count the token chooses.
export async function decodeSessionToken({ token, secret, salt = "" }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(secret, salt), {
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    return payload as JWT;
  } catch {
    return null;
  }
}
