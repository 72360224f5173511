import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface User {
    accountId: string;
    role: string;
  }
  interface Session {
    user: DefaultSession["user"] & { id: string; accountId: string; role: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    accountId: string;
    role: string;
  }
}
