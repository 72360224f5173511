"use client";
// A secret shown the one time it exists in plaintext (a signing secret, a first password), with a
// Copy button. Focus moves here so keyboard and screen-reader users do not miss it; parents key it
// by the value so a new value mounts afresh and takes focus again.
import { useEffect, useId, useRef, type ReactNode } from "react";
import { CopyButton } from "@/components/ui/copy-button";

export function OneTimeValue({ value, title, children, copyLabel, testId, valueTestId }: {
  value: string;
  title: string;
  children: ReactNode;
  copyLabel: string;
  testId: string;
  valueTestId: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const codeRef = useRef<HTMLElement>(null);
  const id = useId();
  useEffect(() => ref.current?.focus(), []);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="region"
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      className="rounded-lg border border-indigo-300 bg-indigo-50 px-4 py-3 text-sm text-indigo-950 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-indigo-700 dark:bg-indigo-950 dark:text-indigo-100"
    >
      <h3 id={`${id}-title`} className="font-semibold">{title}</h3>
      <div className="mt-1">{children}</div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code ref={codeRef} data-testid={valueTestId} className="min-w-0 break-all rounded-md border border-indigo-200 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-indigo-800 dark:bg-slate-950 dark:text-slate-100">
          {value}
        </code>
        <CopyButton value={value} selectOnFailure={codeRef} label={copyLabel} />
      </div>
    </div>
  );
}
