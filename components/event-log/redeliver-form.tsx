"use client";
// "Redeliver" on a push's detail: sends its notifications again as a new push (new webhook-id) and
// links to it. One submit at a time: a second click while the first is under way does nothing.
import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { initialFormState, type FormState } from "@/lib/form-state";
import { useSingleSubmit } from "./use-single-submit";

export type RedeliverState = FormState & { redeliveryId?: string };

export function RedeliverForm({ pushId, action }: { pushId: string; action: (state: RedeliverState, formData: FormData) => Promise<RedeliverState> }) {
  const [state, formAction, pending] = useActionState<RedeliverState, FormData>(action, initialFormState);
  const guard = useSingleSubmit(pending);
  return (
    <form action={formAction} onSubmit={guard} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="pushId" value={pushId} />
      <Button type="submit" disabled={pending} aria-describedby="redeliver-help">{pending ? "Redelivering…" : "Redeliver"}</Button>
      <span id="redeliver-help" className="sr-only">Sends this push&apos;s notifications again as a new push with a new webhook-id.</span>
      <div className="min-w-0">
        <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
        {state.redeliveryId && (
          <Link href={`/event-log/webhook/${encodeURIComponent(state.redeliveryId)}`} className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
            Open the new push
          </Link>
        )}
      </div>
    </form>
  );
}
