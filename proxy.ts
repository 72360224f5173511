// Sends signed-out visitors of any console page to /signin, and back to the page after sign-in.
// APIs are not redirected: they answer 401 themselves. Pages check the session again on the server.
// The docs are public: vendors' engineers read them without a console account.
import { withAuth } from "next-auth/middleware";
import { env } from "@/lib/env";

export default withAuth({
  secret: env.AUTH_SECRET,
  pages: { signIn: "/signin" },
});

export const config = {
  matcher: ["/((?!signin|docs|api/|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
