"use server";
// Server actions shared by every console page.
import { cookies } from "next/headers";
import { parseTheme, THEME_COOKIE } from "@/lib/theme";

export async function setThemeAction(formData: FormData): Promise<void> {
  const theme = parseTheme(String(formData.get("theme") ?? ""));
  (await cookies()).set(THEME_COOKIE, theme, { path: "/", sameSite: "lax", httpOnly: true, maxAge: 60 * 60 * 24 * 365 });
}
