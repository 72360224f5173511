"use client";
// A new user's generated first password, shown this one time.
import { OneTimeValue } from "@/components/ui/one-time-value";

export function FirstPassword({ name, email, password }: { name: string; email: string; password: string }) {
  return (
    <OneTimeValue value={password} title={`First password for ${name}`} copyLabel="Copy password" testId="first-password" valueTestId="first-password-value">
      It is shown only now and is not stored anywhere readable. Copy it and give it to {email} through a channel you trust.
    </OneTimeValue>
  );
}
