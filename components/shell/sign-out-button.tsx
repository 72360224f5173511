"use client";
// Ends the session and returns to the sign-in page.
import { signOut } from "next-auth/react";
import { useState } from "react";

export function SignOutButton({ className }: { className: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/signin" });
      }}
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
