// A labelled form input with its description and field error, wired for screen readers.
import type { InputHTMLAttributes } from "react";

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 disabled:bg-slate-100 disabled:text-slate-600 aria-[invalid=true]:border-red-600 dark:border-slate-700 dark:bg-slate-950 dark:disabled:bg-slate-900 dark:disabled:text-slate-400";

export function TextField({ label, name, error, description, ...input }: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: string;
  description?: string;
}) {
  const id = input.id ?? `field-${name}`;
  const describedBy = [description && `${id}-description`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {description && (
        <p id={`${id}-description`} className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
          {description}
        </p>
      )}
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} className={`mt-1.5 ${inputClass}`} {...input} />
      {error && (
        <p id={`${id}-error`} className="mt-1.5 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

// The result line of a form submission, announced politely to screen readers.
export function FormMessage({ message, tone }: { message?: string; tone: "success" | "error" }) {
  return (
    <p aria-live="polite" data-testid="form-message" className={`text-sm ${tone === "error" ? "text-red-700 dark:text-red-400" : "text-green-700 dark:text-green-400"}`}>
      {message}
    </p>
  );
}
