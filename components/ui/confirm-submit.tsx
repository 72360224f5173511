"use client";
// A destructive submit in two steps: the first button only asks; the question's own button submits
// the surrounding form. Focus moves to the question and back to the first button on Cancel or Escape.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

const OUTLINE_DANGER =
  "inline-flex items-center justify-center gap-2 rounded-md border border-red-300 bg-white px-3.5 py-2 text-sm font-medium text-red-700 transition-colors hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-50 dark:border-red-800 dark:bg-slate-900 dark:text-red-400 dark:hover:bg-red-950";

export function ConfirmSubmit({ label, question, confirmLabel, pendingLabel, pending, disabled = false }: {
  label: ReactNode;
  question: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const id = useId();

  useEffect(() => {
    if (asking) questionRef.current?.focus();
    else if (returnFocus.current) triggerRef.current?.focus();
    returnFocus.current = false;
  }, [asking]);

  function cancel() {
    returnFocus.current = true;
    setAsking(false);
  }

  if (!asking) {
    return (
      <button ref={triggerRef} type="button" disabled={disabled} onClick={() => setAsking(true)} className={OUTLINE_DANGER}>
        {label}
      </button>
    );
  }
  return (
    <div
      ref={questionRef}
      tabIndex={-1}
      role="group"
      aria-labelledby={`${id}-question`}
      onKeyDown={(event) => event.key === "Escape" && cancel()}
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-950 outline-none focus-visible:ring-2 focus-visible:ring-red-500 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p id={`${id}-question`}>{question}</p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button type="submit" variant="danger" disabled={pending}>{pending ? pendingLabel : confirmLabel}</Button>
        <Button type="button" variant="secondary" onClick={cancel}>Cancel</Button>
      </div>
    </div>
  );
}
