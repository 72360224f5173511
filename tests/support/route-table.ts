// The app's route table as Next builds it from the app/ directory: every page, route handler and
// server-action module, with the URL path it serves (route groups dropped). The isolation tests key
// their expectations by these paths, so a new route without a case fails them.
import { readdirSync } from "node:fs";
import path from "node:path";

export const APP_ROOT = path.resolve(import.meta.dirname, "../..");

export type RouteFileKind = "page" | "route" | "actions";
export type RouteFile = { kind: RouteFileKind; file: string; path: string };

const KIND_BY_FILE: Record<string, RouteFileKind> = { "page.tsx": "page", "page.ts": "page", "route.ts": "route", "route.tsx": "route", "actions.ts": "actions" };

// "app/(console)/devices/[deviceId]/page.tsx" → "/devices/[deviceId]".
export function urlPathOf(file: string): string {
  const segments = path.dirname(file).split(path.sep).slice(1).filter((segment) => !/^\(.+\)$/.test(segment));
  return `/${segments.join("/")}`;
}

export function appRouteFiles(): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(APP_ROOT, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (KIND_BY_FILE[entry.name]) found.push({ kind: KIND_BY_FILE[entry.name]!, file: relative, path: urlPathOf(relative) });
    }
  };
  walk("app");
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

// A dynamic segment that names one object of an account ([deviceId], [push_id], …), not a catch-all.
export const OBJECT_SEGMENT = /\[(?!\.\.\.)[^\]]+\]/;

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
