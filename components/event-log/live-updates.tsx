"use client";
// Keeps a log page current: listens to the server-sent events of the account's push changes and
// re-renders the page (router.refresh, at most once a second) when something changed. Off on older
// pages, where new rows would push what the reader is looking at out of view.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const STREAM_URL = "/api/event-log/webhook/stream";
const MIN_REFRESH_INTERVAL_MS = 1000;

type State = "connecting" | "live" | "reconnecting" | "stopped";

const TEXT: Record<State, string> = {
  connecting: "Connecting to live updates…",
  live: "Live: new pushes and results appear as they happen.",
  reconnecting: "Live updates interrupted; reconnecting…",
  stopped: "Live updates stopped. Reload the page to see new pushes.",
};

const DOT: Record<State, string> = {
  connecting: "bg-slate-400",
  live: "bg-green-600 dark:bg-green-400",
  reconnecting: "bg-amber-500",
  stopped: "bg-red-600",
};

export function LiveUpdates({ enabled, newestHref, pausedText = "Live updates are paused while you look at older pushes." }: {
  enabled: boolean;
  newestHref: string;
  pausedText?: string;
}) {
  const router = useRouter();
  const [state, setState] = useState<State>("connecting");

  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource(STREAM_URL);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastRefresh = 0;
    const refresh = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        lastRefresh = Date.now();
        router.refresh();
      }, Math.max(0, lastRefresh + MIN_REFRESH_INTERVAL_MS - Date.now()));
    };
    // A change between this page's render and the stream's (re)connection sent no event: look once.
    source.onopen = () => {
      setState("live");
      refresh();
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "stopped" : "reconnecting");
    source.addEventListener("change", refresh);
    return () => {
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [enabled, router]);

  if (!enabled) {
    return (
      <p data-testid="live-status" data-state="paused" className="text-sm text-slate-600 dark:text-slate-400">
        {pausedText}{" "}
        <Link href={newestHref} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Show the newest</Link>
      </p>
    );
  }
  return (
    <p data-testid="live-status" data-state={state} className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
      <span aria-hidden className={`inline-block h-2 w-2 shrink-0 rounded-full ${DOT[state]} ${state === "live" ? "animate-pulse" : ""}`} />
      {TEXT[state]}
    </p>
  );
}
