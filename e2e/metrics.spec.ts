import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { createApiKey, newAccount, signUp, submitAction } from "./helpers";

// The executive metrics dashboard end to end: a new org imports the messy fixture (MRR $228.00 from three
// customers, as hand-computed in arr.spec.ts), sends product events through the events API, enters its
// finance inputs, computes today's snapshot and reads it back on the page, in the chart's table and in
// the CSV export.
const FIXTURE = path.join(import.meta.dirname, "fixtures", "messy-subscriptions.csv");
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const today = new Date().toISOString().slice(0, 10); // the new org's timezone is UTC
const thisMonth = today.slice(0, 7);

async function screenshots(page: Page, name: string) {
  for (const [viewport, size] of Object.entries({
    desktop: { width: 1280, height: 800 },
    phone: { width: 390, height: 844 },
  })) {
    await page.setViewportSize(size);
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${viewport}.png`), fullPage: true });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} at ${viewport}: wider than the viewport`).toBeLessThanOrEqual(innerWidth);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** A summary tile's value (its first <dd>). */
const tile = (page: Page, metric: string) => page.getByTestId(`tile-${metric}`).locator("dd").first();

test("executive metrics: snapshot of imported revenue, events and finance inputs, chart, export", async ({
  page,
}) => {
  const owner = newAccount("exec");
  await signUp(page, owner);

  await test.step("import the fixture", async () => {
    await page.goto(`/${owner.orgSlug}/uploads`);
    await page.getByLabel(/CSV file/).setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page).toHaveURL(new RegExp(`/${owner.orgSlug}/uploads/[0-9a-f-]{36}$`));
    await page.getByLabel("Field for column Ref").selectOption("customer_id");
    await page.getByRole("button", { name: "Import subscriptions" }).click();
    await expect(page.getByRole("heading", { name: "Imported", exact: true })).toBeVisible({
      timeout: 60_000,
    });
  });

  await test.step("send product events with an API key", async () => {
    const key = await createApiKey(page, { orgSlug: owner.orgSlug, name: "events" });
    const at = (h: number) => `${today}T${String(h).padStart(2, "0")}:00:00Z`;
    const hour = Math.max(0, new Date().getUTCHours() - 1);
    const events = [
      { id: "e1", user_id: "ana", name: "login", timestamp: at(hour) },
      { id: "e2", user_id: "ben", name: "file_upload", timestamp: at(hour) },
      { id: "e3", user_id: "ana", name: "report_generate", timestamp: at(hour) },
    ];
    const res = await page.request.post("/api/v1/events", {
      headers: { Authorization: `Bearer ${key}` },
      data: events,
    });
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0 });
  });

  await test.step("enter activation events and a finance month", async () => {
    await page.goto(`/${owner.orgSlug}/metrics/settings`);
    await page.getByLabel("Activation events (ENG-4)").fill("file_upload");
    await submitAction(page, page.getByRole("button", { name: "Save", exact: true }));
    await expect(page.getByText("Saved.")).toBeVisible();
    await page.getByLabel("Month", { exact: true }).fill(thisMonth);
    await page.getByLabel("Cash balance at month end").fill("120000");
    await page.getByLabel("Net burn of the month").fill("10000");
    await submitAction(page, page.getByRole("button", { name: "Save month" }));
    await expect(page.getByRole("cell", { name: "$120,000.00" })).toBeVisible();
  });

  await test.step("compute today's snapshot and read the tiles", async () => {
    await page
      .getByRole("navigation", { name: "Modules" })
      .getByRole("link", { name: "Executive metrics" })
      .click();
    await expect(page).toHaveURL(`/${owner.orgSlug}/metrics`);
    await submitAction(page, page.getByRole("button", { name: "Compute today’s snapshot now" }));
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("tile-mrr").count();
        },
        { timeout: 30_000, message: "the snapshot's tiles appear" },
      )
      .toBe(1);
    await expect(page.getByText(`snapshot of ${today}`)).toBeVisible();
    await expect(tile(page, "mrr")).toHaveText("$228");
    await expect(tile(page, "customers_total")).toHaveText("3");
    await expect(tile(page, "dau")).toHaveText("2");
    // ENG-4: ben did file_upload, ana did not: 1 of 2.
    await expect(tile(page, "activation_rate")).toHaveText("50.0%");
    await expect(tile(page, "runway_months")).toHaveText("12.0 mo");
    await expect(page.getByRole("heading", { name: /Alerts/ })).toContainText("all clear");
    await expect(page.getByText("DAU(d) = distinct users with an event on d")).toBeVisible();
  });

  await test.step("chart another metric by URL, with its table", async () => {
    await page.getByLabel("Metric").selectOption("dau");
    await page.getByLabel("Range").selectOption("30");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/metric=dau/);
    await expect(page.getByRole("heading", { name: /^DAU/ })).toBeVisible();
    await page.getByText(/Table of the \d+ point/).click();
    await expect(page.getByRole("row", { name: `${today} 2` })).toBeVisible();
    await screenshots(page, "metrics");
  });

  await test.step("export every metric as CSV", async () => {
    const event = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV (all metrics)" }).click();
    const lines = readFileSync(await (await event).path(), "utf8").split("\r\n");
    const header = lines[0]?.split(",") ?? [];
    const row = lines.find((l) => l.startsWith(today))?.split(",") ?? [];
    expect(header.slice(0, 3)).toEqual(["date", "currency", "mrr"]);
    expect(row[header.indexOf("mrr")]).toBe("228");
    expect(row[header.indexOf("dau")]).toBe("2");
    expect(row[header.indexOf("runway_months")]).toBe("12");
  });
});
