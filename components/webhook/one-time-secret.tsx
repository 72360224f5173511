"use client";
// The signing secret, shown once after the webhook is created or the secret rotated.
import type { ReactNode } from "react";
import { OneTimeValue } from "@/components/ui/one-time-value";

export function OneTimeSecret({ secret, title, children }: { secret: string; title: string; children: ReactNode }) {
  return (
    <OneTimeValue value={secret} title={title} copyLabel="Copy secret" testId="one-time-secret" valueTestId="signing-secret-value">
      {children}
    </OneTimeValue>
  );
}
