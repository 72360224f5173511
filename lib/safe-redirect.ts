// Only same-site paths are followed after sign-in, never another origin ("//evil", "https://...").
export function safeCallbackPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/signin")) return fallback;
  return value;
}
