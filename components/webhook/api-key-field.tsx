"use client";
// The API key as a write-once field: a stored key is only ever shown masked, and "Replace" opens an
// empty input. Leaving that input empty keeps the stored key.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

type Props = { storedMasked: string | null; error?: string; disabled: boolean; readOnly: boolean };

const DESCRIPTION = "Sent as the Authorization header of every push, exactly as entered. Stored encrypted.";

export function ApiKeyField({ storedMasked, error, disabled, readOnly }: Props) {
  const [replacing, setReplacing] = useState(false);
  if (storedMasked && (!replacing || readOnly)) {
    return (
      <div>
        <p id="api-key-label" className="block text-sm font-medium">API key</p>
        <p id="api-key-description" className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
          {DESCRIPTION} Only its last 4 characters are ever shown.
        </p>
        <div className="mt-1.5 flex flex-wrap items-center gap-3">
          <code aria-labelledby="api-key-label" data-testid="api-key-masked" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-950">
            {storedMasked}
          </code>
          {!readOnly && (
            <Button type="button" variant="secondary" disabled={disabled} onClick={() => setReplacing(true)} aria-describedby="api-key-label">
              Replace
            </Button>
          )}
        </div>
        {error && <p className="mt-1.5 text-sm text-red-700 dark:text-red-400">{error}</p>}
      </div>
    );
  }
  return (
    <div>
      <TextField
        label={storedMasked ? "New API key" : "API key"}
        name="apiKey"
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        maxLength={1024}
        // Opened by the administrator's click on "Replace": take them straight to the input.
        autoFocus={replacing}
        disabled={disabled}
        error={error}
        description={storedMasked ? `Replaces the stored key (${storedMasked}) when you save. Leave it empty to keep the stored key.` : DESCRIPTION}
      />
      {storedMasked && (
        <Button type="button" variant="ghost" className="mt-2" onClick={() => setReplacing(false)}>
          Keep the stored key
        </Button>
      )}
    </div>
  );
}
