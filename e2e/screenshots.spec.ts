import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./helpers";
import { DEMO } from "./server";

const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");

const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
type Viewport = keyof typeof VIEWPORTS;

const PAGES: { name: string; path: string; signedIn: boolean; ready: (page: Page) => Promise<void> }[] = [
  {
    name: "sign-in",
    path: "/sign-in",
    signedIn: false,
    ready: (page) => expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible(),
  },
  {
    name: "demo-home",
    path: "/demo",
    signedIn: true,
    ready: (page) => expect(page.getByRole("heading", { level: 1, name: "Demo Company" })).toBeVisible(),
  },
  {
    name: "demo-members",
    path: "/demo/settings/members",
    signedIn: true,
    ready: (page) => expect(page.getByRole("heading", { name: /^Members \(\d+\)$/ })).toBeVisible(),
  },
];

for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
  test.describe(`at ${viewport} width`, () => {
    test.use({ viewport: VIEWPORTS[viewport] });

    for (const target of PAGES) {
      const id = `${target.name}-${viewport}`;
      test(`${target.name} renders without horizontal overflow`, async ({ page }) => {
        if (target.signedIn) await signIn(page, DEMO);
        await page.goto(target.path);
        await target.ready(page);
        await page.waitForLoadState("networkidle");
        // Screenshot first, so a failing page is still there to look at (overwritten every run).
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${id}.png`), fullPage: true });
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        expect(innerWidth).toBe(VIEWPORTS[viewport].width);
        expect(scrollWidth, `${id}: page wider than the viewport`).toBeLessThanOrEqual(innerWidth);
      });
    }
  });
}
