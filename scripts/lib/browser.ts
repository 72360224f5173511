// Finds a Chromium for the e2e tests: CHROMIUM_PATH, the system's (Debian: apt-get install chromium),
// or the one Playwright downloads with `npx playwright install chromium` on machines that allow it.
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

const SYSTEM_CHROMIUMS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export function findChromium(requested = process.env.CHROMIUM_PATH): string | null {
  if (requested) return existsSync(requested) ? requested : null;
  const system = SYSTEM_CHROMIUMS.find((candidate) => existsSync(candidate));
  if (system) return system;
  try {
    const bundled = chromium.executablePath();
    return existsSync(bundled) ? bundled : null;
  } catch {
    return null;
  }
}

export const NO_BROWSER_MESSAGE = `No Chromium was found for the end-to-end tests.
  Debian/Ubuntu: apt-get install chromium      (then run the tests again)
  Elsewhere:     npx playwright install chromium
  Or point CHROMIUM_PATH at a Chromium or Chrome executable.`;
