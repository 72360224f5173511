// The console's pages, actions and session routes read next-auth's session cookie through
// next/headers, which only a running Next server fills in. A test file stands in for it with
//   vi.mock("next/headers", async (importOriginal) => (await import("../support/session-cookie")).nextHeadersWithSession(await importOriginal()));
// and signs in with `signInAs`: the cookie holds a real token of next-auth's encode under the app's
// secret, so the app's own decoding reads it. API routes authenticate by token and never read it.
import { encode } from "next-auth/jwt";
import { authOptions } from "@/lib/auth/options";
import type { Role } from "@/lib/auth/roles";

const request = { cookie: null as string | null };

export async function signInAs(user: { userId: string; accountId: string; role: Role }): Promise<void> {
  // The token the sign-in's jwt callback writes (lib/auth/options.ts).
  const token = { sub: user.userId, accountId: user.accountId, role: user.role };
  request.cookie = `next-auth.session-token=${await encode({ token, secret: authOptions.secret! })}`;
}

export function signOut(): void {
  request.cookie = null;
}

export async function nextHeadersWithSession(original: typeof import("next/headers")) {
  const { RequestCookies } = await import("next/dist/server/web/spec-extension/cookies");
  const requestHeaders = () => new Headers(request.cookie ? { cookie: request.cookie } : {});
  return { ...original, headers: async () => requestHeaders(), cookies: async () => new RequestCookies(requestHeaders()) };
}
