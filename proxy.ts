// Sends signed-out visitors of any console page to /signin, and back to the page after sign-in.
// APIs are not redirected: they answer 401 themselves. Only the session cookie's presence is checked
// here: every page verifies the session itself (requireUser, which sends an invalid one to sign-in),
// and decrypting it here too cost each page about 2 ms of CPU.
// The docs are public: vendors' engineers read them without a console account.
// Every path is first checked for well-formed percent-encoding: Next.js answers a bare 500 when it
// cannot decode a path segment (e.g. /api/v1/devices/%E0%A4%A), so such paths get a 400 here.
import { NextResponse, type NextRequest } from "next/server";
import { isSessionCookieName } from "@/lib/auth/session-token";

const NO_SIGN_IN_NEEDED = /^\/(?:signin|docs|api\/|favicon\.ico|icon\.svg)/;

function hasWellFormedPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedPathAnswer(pathname: string): Response {
  const detail = "The path is not valid percent-encoding: each % must start an escape of two hex digits that together encode UTF-8 text.";
  if (pathname.startsWith("/api/")) {
    const problem = { type: "about:blank", title: "Bad Request", status: 400, detail, code: "malformed_path" };
    return Response.json(problem, { status: 400, headers: { "content-type": "application/problem+json", "cache-control": "no-store" } });
  }
  return new Response(`400 Bad Request. ${detail}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

// To sign-in with the page to come back to, as a path (next-auth accepts no other origin anyway).
function signInFirst(request: NextRequest): Response {
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export default function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!hasWellFormedPercentEncoding(pathname)) return malformedPathAnswer(pathname);
  if (NO_SIGN_IN_NEEDED.test(pathname) || request.cookies.getAll().some((cookie) => isSessionCookieName(cookie.name))) return NextResponse.next();
  return signInFirst(request);
}

export const config = {
  // API paths answer 401 themselves, so the proxy sees only those with a "%" (the ones that can be
  // malformed): running it costs every API request about 2 ms of CPU.
  matcher: ["/((?!_next/static|_next/image|api/).*)", "/api/:path(.*%.*)"],
};
