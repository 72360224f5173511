// next-auth configuration: email + password (Credentials) with JWT sessions that carry
// the user id, account id and role. Pages re-read the user per request (lib/auth/session.ts).
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { encodeLocked, SIGN_IN_ERROR } from "@/lib/auth/messages";
import { authenticate } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) throw new Error(SIGN_IN_ERROR.invalid);
        const result = await authenticate(parsed.data.email, parsed.data.password);
        if (result.ok) return result.user;
        throw new Error(result.reason === "locked" ? encodeLocked(result.until) : SIGN_IN_ERROR.invalid);
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.accountId = user.accountId;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { ...session.user, id: token.sub ?? "", accountId: token.accountId, role: token.role };
      return session;
    },
  },
};
