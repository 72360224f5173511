"use client";
// A new API token, shown the one time it exists in plaintext, with a ready-to-run request that uses it
// against this console, so the person creating it can check it works before pasting it anywhere.
import { useRef } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { OneTimeValue } from "@/components/ui/one-time-value";
import { Time } from "@/components/ui/time";
import type { CreatedToken } from "./form-states";

export function NewToken({ token, consoleOrigin }: { token: CreatedToken; consoleOrigin: string }) {
  const commandRef = useRef<HTMLElement>(null);
  const command = `curl -H "Authorization: Bearer ${token.token}" ${consoleOrigin}/api/v1/devices`;
  return (
    <div className="space-y-3">
      <OneTimeValue value={token.token} title={`Copy your new token “${token.name}” now`} copyLabel="Copy token" testId="new-token" valueTestId="new-token-value">
        <p>
          It is shown only this once: the console stores a hash of it, so nobody can show it again. Keep it in your script&apos;s secret store.
          If it is lost or leaked, revoke it and create another.
        </p>
        <p className="mt-1">
          Scopes: {token.scopes.join(", ")}. {token.expiresAt ? <>Expires <Time date={new Date(token.expiresAt)} />.</> : "Never expires."}
        </p>
      </OneTimeValue>
      <div data-testid="new-token-example" className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h3 className="font-semibold">Try it</h3>
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          {token.scopes.includes("devices:read")
            ? "Lists this account's devices as JSON:"
            : "This token lacks the devices:read scope, so this request answers 403; it shows how to send the token:"}
        </p>
        <pre className="mt-2 overflow-x-auto rounded-md border border-slate-200 bg-slate-50 px-3 py-2 dark:border-slate-700 dark:bg-slate-950">
          <code ref={commandRef} className="whitespace-pre-wrap break-all font-mono text-xs">{command}</code>
        </pre>
        <div className="mt-2">
          <CopyButton value={command} selectOnFailure={commandRef} label="Copy command" />
        </div>
      </div>
    </div>
  );
}
