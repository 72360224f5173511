"use client";
// The webhook settings form: callback URL, write-once API key, events, Enable; Save and Send test.
// Viewers see it read-only without the buttons; the server checks the role again on every action.
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import { DEVICE_STATUSES, type DeviceStatus } from "@/lib/contract/statuses";
import { initialFormState } from "@/lib/form-state";
import { ApiKeyField } from "./api-key-field";
import { EnableSwitch } from "./enable-switch";
import { EventCheckboxes } from "./event-checkboxes";
import type { FormAction, SecretFormState, TestPushFormState } from "./form-states";
import { OneTimeSecret } from "./one-time-secret";
import { TestPushResult } from "./test-push-result";

export type SavedWebhook = { callbackUrl: string; apiKeyMasked: string; events: DeviceStatus[]; enabled: boolean };

type Props = {
  saved: SavedWebhook | null;
  readOnly: boolean;
  planLocked: boolean;
  saveAction: FormAction<SecretFormState>;
  testAction: FormAction<TestPushFormState>;
};

export function WebhookForm({ saved, readOnly, planLocked, saveAction, testAction }: Props) {
  const [saveState, save, saving] = useActionState<SecretFormState, FormData>(saveAction, initialFormState);
  const [testState, test, testing] = useActionState<TestPushFormState, FormData>(testAction, initialFormState);
  const [last, setLast] = useState<"save" | "test">("save");
  const formRef = useRef<HTMLFormElement>(null);
  const current = last === "test" ? testState : saveState;
  const errors = current.fieldErrors ?? {};
  const disabled = readOnly || planLocked;

  // After a refused submit, take the administrator to the first field to fix.
  useEffect(() => {
    if (current.fieldErrors) formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [current]);

  function submit(event: FormEvent<HTMLFormElement>) {
    // React resets a form after its action runs; dispatching by hand keeps what was typed (an
    // unsaved URL and key stay for Save after a Send test, and stay to fix after an error).
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const intent = submitter instanceof HTMLElement && submitter.dataset.intent === "test" ? "test" : "save";
    const data = new FormData(event.currentTarget);
    setLast(intent);
    startTransition(() => (intent === "test" ? test(data) : save(data)));
  }

  // Saved values changed on the server (saved, re-enabled): show them afresh.
  const fieldsKey = `${JSON.stringify(saved)}:${saveState.savedAt ?? ""}`;
  return (
    <>
      <form ref={formRef} action={save} onSubmit={submit} noValidate className="space-y-6" aria-label="Webhook settings">
        <div key={fieldsKey} className="space-y-6">
          <TextField
            label="Callback URL"
            name="callbackUrl"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            maxLength={2048}
            placeholder="https://hooks.example.com/compliance"
            defaultValue={saved?.callbackUrl ?? ""}
            disabled={disabled}
            error={errors.callbackUrl?.[0]}
            description="Your vendor's HTTPS endpoint. Each push is a POST with a JSON array of status changes."
          />
          <ApiKeyField storedMasked={saved?.apiKeyMasked ?? null} error={errors.apiKey?.[0]} disabled={disabled} readOnly={readOnly} />
          <EventCheckboxes checked={saved?.events ?? DEVICE_STATUSES} error={errors.events?.[0]} disabled={disabled} />
          <EnableSwitch defaultChecked={saved?.enabled ?? !planLocked} error={errors.enabled?.[0]} disabled={disabled} />
        </div>
        <div className={readOnly ? "" : "flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4 dark:border-slate-800"}>
          {!readOnly && (
            <>
              <Button type="submit" disabled={disabled || saving || testing}>
                {saving ? "Saving…" : "Save"}
              </Button>
              <Button type="submit" data-intent="test" variant="secondary" formAction={test} disabled={disabled || saving || testing}>
                {testing ? "Sending…" : "Send test"}
              </Button>
            </>
          )}
          <FormMessage message={current.message} tone={current.status === "error" ? "error" : "success"} />
        </div>
      </form>
      {saveState.signingSecret && (
        <div className="mt-6">
          <OneTimeSecret key={saveState.signingSecret} secret={saveState.signingSecret} title="Copy the signing secret now">
            <p>
              Give it to your vendor: it verifies the <code className="font-mono">webhook-signature</code> header of every push. It is shown
              only this once and is not stored in readable form; if it is lost, rotate it.
            </p>
          </OneTimeSecret>
        </div>
      )}
      <div aria-live="polite">
        {testState.result && (
          <div className="mt-6">
            <TestPushResult result={testState.result} />
          </div>
        )}
      </div>
    </>
  );
}
