"use client";
// Copies a value to the clipboard and says so; where the clipboard is blocked it selects the
// element holding the value instead, so Ctrl+C / ⌘C copies it.
import { useState, type RefObject } from "react";
import { Button } from "@/components/ui/button";

export function CopyButton({ value, selectOnFailure, label = "Copy" }: { value: string; selectOnFailure: RefObject<HTMLElement | null>; label?: string }) {
  const [result, setResult] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setResult("copied");
    } catch {
      const selection = window.getSelection();
      if (selectOnFailure.current && selection) selection.selectAllChildren(selectOnFailure.current);
      setResult("failed");
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button type="button" variant="secondary" onClick={copy}>{label}</Button>
      <span aria-live="polite" className="text-sm">
        {result === "copied" ? "Copied." : result === "failed" ? "Copying is blocked here: the text is selected, press Ctrl+C (or ⌘C)." : ""}
      </span>
    </span>
  );
}
