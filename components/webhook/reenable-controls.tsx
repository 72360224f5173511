"use client";
// "Re-enable" and "Re-enable and deliver held" for an automatically disabled webhook. The result is
// kept by ReenableFeedback, above the banner, because the banner itself goes away on success.
import { createContext, useActionState, useContext, useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { initialFormState, type FormState } from "@/lib/form-state";
import type { FormAction } from "./form-states";

type Reenable = { state: FormState; dispatch: (formData: FormData) => void; pending: boolean };
const ReenableContext = createContext<Reenable | null>(null);

// Wraps the failure banner; shows (and moves focus to) the outcome once the banner is gone.
export function ReenableFeedback({ action, children }: { action: FormAction<FormState>; children: ReactNode }) {
  const [state, dispatch, pending] = useActionState(action, initialFormState);
  const notice = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.status === "success") notice.current?.focus();
  }, [state]);
  return (
    <ReenableContext value={{ state, dispatch, pending }}>
      {state.status === "success" && (
        <p ref={notice} tabIndex={-1} role="status" data-testid="reenable-result" className="mb-6 rounded-lg border border-green-300 bg-green-50 px-5 py-3 text-sm text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-200">
          {state.message}
        </p>
      )}
      {children}
    </ReenableContext>
  );
}

export function ReenableButtons() {
  const context = useContext(ReenableContext);
  if (!context) throw new Error("ReenableButtons must be inside ReenableFeedback");
  const { state, dispatch, pending } = context;
  return (
    <form action={dispatch} className="mt-4 flex flex-wrap items-center gap-3">
      <Button type="submit" name="deliverHeld" value="true" disabled={pending}>
        Re-enable and deliver held
      </Button>
      <Button type="submit" name="deliverHeld" value="false" variant="secondary" disabled={pending}>
        Re-enable
      </Button>
      <FormMessage message={state.status === "error" ? state.message : undefined} tone="error" />
    </form>
  );
}
