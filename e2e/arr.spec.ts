import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { newAccount, signUp } from "./helpers";

// The ARR dashboard end to end: a new org imports the messy fixture through the Uploads page, then the
// dashboard's KPIs, filters, drill-down and CSV exports are checked against hand-computed values.
const FIXTURE = path.join(import.meta.dirname, "fixtures", "messy-subscriptions.csv");
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const now = new Date();
const thisMonth = now.toISOString().slice(0, 7);
const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
  .toISOString()
  .slice(0, 7);

/*
 * Hand-computed from the fixture (MRR-1 per item, MRR-3 at month ends; C-004 is rejected, C-005 ran
 * 2023-02-01..2023-03-01 and churned in 2023-03):
 *   C-001 Café Olé GmbH, DE: 2 × $49.00 / month = $98.00 from 2024-01-15 → new business 2024-01
 *   C-002 Bistro Nord, DE: $1,200.00 / year = $100.00 from 2024-02-03     → new business 2024-02
 *   C-003 Atelier Sud, FR: 3 × $30.00 / quarter = $30.00 from 2024-03-20  → new business 2024-03
 * This month and last: MRR $228.00, ARR-1 12 × 228 = $2,736.00, CUS-1 3, ARPA-1 228 / 3 = $76.00.
 * RATE-6/7: S = all three (MRR > 0 twelve months ago, unchanged since) → NRR12 = GRR12 = 100.0%.
 * RATE-1 = 0 churned / 3 = 0.0%; QR-1 = 0 / 0 and LTV-1 (mean churn 0) are undefined → "—".
 * Country DE: C-001 + C-002 = $198.00, 2 customers, ARPA $99.00.
 */

async function screenshots(page: Page, name: string) {
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    // Recharts measures its container after a resize.
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${viewport}.png`), fullPage: true });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} at ${viewport}: wider than the viewport`).toBeLessThanOrEqual(innerWidth);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

const kpi = (page: Page, key: string) => page.getByTestId(`kpi-${key}`).getByTestId("value");

async function download(page: Page, link: ReturnType<Page["getByRole"]>): Promise<string[]> {
  const event = page.waitForEvent("download");
  await link.click();
  const file = await (await event).path();
  return readFileSync(file, "utf8").split("\r\n");
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Clicks a chart's "Download PNG" and checks the file: its name, PNG bytes, and a real picture's size. */
async function downloadPng(page: Page, chart: string, filename: string) {
  const event = page.waitForEvent("download");
  await page.getByRole("button", { name: `Download ${chart} as PNG` }).click();
  const png = await event;
  expect(png.suggestedFilename()).toBe(filename);
  // Kept beside the screenshots, to be looked at.
  await png.saveAs(path.join(SCREENSHOT_DIR, `export-${filename}`));
  const bytes = readFileSync(await png.path());
  expect(bytes.subarray(0, 8).equals(PNG_MAGIC), `${filename} starts with the PNG signature`).toBe(true);
  // IHDR: width and height at bytes 16..23; the export draws at twice the CSS size.
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  expect(width, `${filename} width`).toBeGreaterThan(300);
  expect(height, `${filename} height`).toBeGreaterThan(150);
  expect(bytes.length, `${filename} size`).toBeGreaterThan(8_000);
  return { width, height, size: bytes.length };
}

test("ARR dashboard: KPIs, filter, drill-down and CSV exports match the hand-computed values", async ({
  page,
}) => {
  // One long journey (sign-up, import, five pages, eight downloads): on a loaded 2-core machine it can
  // outlast the default 90 s.
  test.setTimeout(240_000);
  const owner = newAccount("arr");

  await test.step("an org without data is told how to bring it in", async () => {
    await signUp(page, owner);
    await page.getByRole("navigation", { name: "Modules" }).getByRole("link", { name: "ARR" }).click();
    await expect(page).toHaveURL(`/${owner.orgSlug}/arr`);
    await expect(page.getByRole("heading", { name: "No revenue data yet" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Upload a subscriptions CSV" })).toHaveAttribute(
      "href",
      `/${owner.orgSlug}/uploads`,
    );
    await expect(page.getByRole("link", { name: "Connect Stripe" })).toHaveAttribute(
      "href",
      `/${owner.orgSlug}/settings/stripe`,
    );
  });

  let uploadPath = "";
  await test.step("the messy fixture is imported through the Uploads page", async () => {
    await page.goto(`/${owner.orgSlug}/uploads`);
    await page.getByLabel(/CSV file/).setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page).toHaveURL(new RegExp(`/${owner.orgSlug}/uploads/[0-9a-f-]{36}$`));
    uploadPath = new URL(page.url()).pathname;
    await page.getByLabel("Field for column Ref").selectOption("customer_id");
    await page.getByRole("button", { name: "Import subscriptions" }).click();
    await expect(page.getByRole("heading", { name: "Imported", exact: true })).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByTestId("count-Imported")).toHaveText("4");
  });

  await test.step("the import's rejected row is announced with a link to its report", async () => {
    await page.goto(`/${owner.orgSlug}/arr`);
    const notice = page.getByTestId("import-notice");
    await expect(notice.getByRole("heading")).toHaveText("The latest import rejected 1 row");
    await expect(notice.getByRole("link", { name: "Open the import report" })).toHaveAttribute(
      "href",
      uploadPath,
    );
    await notice.getByRole("link", { name: "Open the import report" }).click();
    await expect(page).toHaveURL(uploadPath);
    await expect(page.getByTestId("count-Imported")).toHaveText("4");
  });

  await test.step("the KPIs equal the hand-computed values", async () => {
    await page.goto(`/${owner.orgSlug}/arr`);
    await expect(page.getByRole("heading", { level: 1, name: "ARR" })).toBeVisible();
    await expect(kpi(page, "mrr")).toHaveText("$228.00");
    await expect(kpi(page, "arr")).toHaveText("$2,736.00");
    await expect(kpi(page, "active")).toHaveText("3");
    await expect(kpi(page, "arpa")).toHaveText("$76.00");
    await expect(kpi(page, "nrr12")).toHaveText("100.0%");
    await expect(kpi(page, "grr12")).toHaveText("100.0%");
    await expect(kpi(page, "churn-rate")).toHaveText("0.0%");
    await expect(kpi(page, "quick-ratio")).toHaveText("—");
    await expect(kpi(page, "ltv")).toHaveText("—");
    await expect(page.getByTestId("kpi-mrr").getByTestId("previous")).toHaveText("$228.00");
    await expect(page.getByTestId("kpi-mrr").getByTestId("change")).toHaveText("±$0.00 (±0.0%)");
    // Top customers: the cohort month and the last movement, which opens that movement's customers.
    await expect(page.getByTestId("top-C-002").getByTestId("since")).toHaveText("Feb 2024");
    await expect(page.getByTestId("top-C-002").getByTestId("last-movement")).toHaveText(
      "New business, Feb 2024",
    );
    await expect(page.getByTestId("top-C-003").getByTestId("last-movement")).toHaveText(
      "New business, Mar 2024",
    );
    await expect(
      page.getByTestId("top-C-002").getByTestId("last-movement").getByRole("link"),
    ).toHaveAttribute("href", `/${owner.orgSlug}/arr/movements/2024-02/new`);
    // The help popover names the definition.
    await page.getByText("How is this computed? (NRR (12 months))").click();
    await expect(page.getByTestId("kpi-nrr12")).toContainText("RATE-6");
    // The rows behind MRR: every customer with MRR this month.
    await page.getByRole("link", { name: "Customers behind MRR" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Customers with MRR");
    await expect(page.getByText("3 customers, MRR $228.00")).toBeVisible();
    await page.getByRole("link", { name: "← ARR dashboard" }).click();
  });

  await test.step("a filter chosen from the keyboard changes the URL and the numbers", async () => {
    // Tab walks the form in reading order (a month field takes two stops: month and year).
    await page.getByLabel("Range").focus();
    const order: string[] = [];
    for (let i = 0; i < 12 && order.at(-1) !== "arr-country"; i++) {
      const id = await page.evaluate(() => document.activeElement?.id ?? "");
      if (order.at(-1) !== id) order.push(id);
      if (id !== "arr-country") await page.keyboard.press("Tab");
    }
    expect(order).toEqual(["arr-range", "arr-from", "arr-to", "arr-plan", "arr-country"]);
    // Typing on a focused select picks the matching option.
    await page.keyboard.type("DE");
    await expect(page.getByLabel("Country")).toHaveValue("DE");
    for (
      let i = 0;
      i < 4 && (await page.evaluate(() => document.activeElement?.textContent)) !== "Apply";
      i++
    ) {
      await page.keyboard.press("Tab");
    }
    await expect(page.getByRole("button", { name: "Apply" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/[?&]country=DE(&|$)/);
    await expect(kpi(page, "mrr")).toHaveText("$198.00");
    await expect(kpi(page, "active")).toHaveText("2");
    await expect(kpi(page, "arpa")).toHaveText("$99.00");
    await expect(page.getByTestId("top-C-003")).toHaveCount(0);
    await expect(page.getByTestId("top-C-001")).toContainText("$98.00");
    const kpis = await download(
      page,
      page.getByRole("region", { name: /Key metrics/ }).getByRole("link", { name: "CSV" }),
    );
    expect(kpis[0]).toBe("metric,definition,month,value,previous_month,previous_value,currency");
    expect(kpis).toContain(`MRR,MRR-3,${thisMonth},198,${lastMonth},198,USD`);
    expect(kpis).toContain(`ARR,ARR-1,${thisMonth},2376,${lastMonth},2376,USD`);
    expect(kpis).toContain(`Active customers,CUS-1,${thisMonth},2,${lastMonth},2,USD`);
    await page.getByRole("link", { name: "Reset" }).click();
    await expect(page).toHaveURL(`/${owner.orgSlug}/arr`);
    await expect(kpi(page, "mrr")).toHaveText("$228.00");
  });

  await test.step("a custom range shows the 2024 bridge, which exports as CSV", async () => {
    await page.getByLabel("Range").selectOption("custom");
    await page.getByLabel("From (custom)", { exact: true }).fill("2024-01");
    await page.getByLabel("To (custom)", { exact: true }).fill("2024-06");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/\?range=custom&from=2024-01&to=2024-06&plan=&country=&segment=&industry=$/);
    await expect(kpi(page, "mrr")).toHaveText("$228.00");
    const jan = page.getByTestId("bridge-2024-01");
    await expect(jan.getByTestId("new")).toHaveText("$98.00");
    await expect(jan.getByRole("cell").last()).toHaveText("1");
    await expect(page.getByTestId("bridge-2024-03").getByTestId("new")).toHaveText("$30.00");
    await expect(page.getByTestId("heatmap-cohorts-logo")).toContainText("Jan 2024");
    // Net movement (MOV-2) in the table alternative and as a line over the bars.
    await expect(jan.getByTestId("net")).toHaveText("+$98.00");
    await expect(page.getByTestId("bridge-2024-04").getByTestId("net")).toHaveText("+$0.00");
    await expect(page.locator("#movements-chart .recharts-line-curve")).toHaveCount(1);
    await expect(
      page
        .locator(
          "#movements-chart .recharts-bar-rectangle path, #movements-chart .recharts-bar-rectangle rect",
        )
        .first(),
    ).toBeAttached();
    const bridge = await download(
      page,
      page.getByRole("region", { name: "MRR movements and bridge" }).getByRole("link", { name: "CSV" }),
    );
    expect(bridge[0]).toBe(
      "month,start_mrr,new,expansion,reactivation,contraction,churn,net,end_mrr,new_customers,reactivated_customers,churned_customers,active_customers,currency",
    );
    expect(bridge.slice(1, 4)).toEqual([
      "2024-01,0,98,0,0,0,0,98,98,1,0,0,1,USD",
      "2024-02,98,100,0,0,0,0,100,198,1,0,0,2,USD",
      "2024-03,198,30,0,0,0,0,30,228,1,0,0,3,USD",
    ]);
    await screenshots(page, "arr");
  });

  await test.step("every chart downloads as a PNG named after it and the range", async () => {
    await downloadPng(page, "MRR trend", "mrr-trend-2024-01-2024-06.png");
    await downloadPng(page, "MRR movements", "mrr-movements-2024-01-2024-06.png");
    await downloadPng(page, "Logo retention", "cohorts-logo-2024-01-2024-06.png");
    await downloadPng(page, "Revenue retention", "cohorts-revenue-2024-01-2024-06.png");
  });

  await test.step("a heatmap cell lists its cohort's customers with MRR at the start and at c+k", async () => {
    await page.getByTestId("heatmap-cohorts-revenue").getByTestId("cell-2024-02-3").click();
    await expect(page).toHaveURL(
      new RegExp(`/${owner.orgSlug}/arr/cohorts/2024-02/2024-05\\?range=custom&from=2024-01&to=2024-06$`),
    );
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Cohort Feb 2024, month 3 (May 2024)");
    await expect(page.locator("tr[data-testid^=cohort-]")).toHaveCount(1);
    const row = page.getByTestId("cohort-C-002");
    await expect(row).toContainText("Bistro Nord");
    await expect(row.getByRole("cell").nth(1)).toHaveText("$100.00");
    await expect(row.getByRole("cell").nth(2)).toHaveText("$100.00");
    await expect(row.getByTestId("logo")).toHaveText("Retained");
    // C-005's cohort: $49.00 new business in Feb 2023, churned in Mar 2023.
    await page.goto(`/${owner.orgSlug}/arr/cohorts/2023-02/2023-03`);
    await expect(page.getByTestId("total-customers")).toHaveText("1");
    await expect(page.getByTestId("total-retained")).toHaveText("0 (0.0%)");
    await expect(page.getByTestId("total-start")).toHaveText("$49.00");
    await expect(page.getByTestId("total-end")).toHaveText("$0.00 (0.0%)");
    await expect(page.getByTestId("cohort-C-005").getByTestId("logo")).toHaveText("Not retained");
    await screenshots(page, "arr-cohort");
    await page.getByRole("link", { name: "Ex Client" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Ex Client" })).toBeVisible();
    await expect(page.getByTestId("movement-2023-03").getByTestId("kind")).toHaveText("Churn");
    await expect(page.getByTestId("movement-2023-03").getByTestId("mrr")).toContainText("$49.00 → $0.00");
    await expect(page.getByTestId("movement-2023-02").getByTestId("kind")).toHaveText("New business");
    await page.goto(`/${owner.orgSlug}/arr?range=custom&from=2024-01&to=2024-06`);
  });

  await test.step("the new business of 2024-01 drills down to Café Olé GmbH", async () => {
    await page.getByTestId("bridge-2024-01").getByTestId("new").getByRole("link").click();
    await expect(page).toHaveURL(
      new RegExp(`/${owner.orgSlug}/arr/movements/2024-01/new\\?range=custom&from=2024-01&to=2024-06$`),
    );
    await expect(page.getByRole("heading", { level: 1, name: "New business, Jan 2024" })).toBeVisible();
    const rows = page.locator("tr[data-testid^=mover-]");
    await expect(rows).toHaveCount(1);
    await expect(page.getByTestId("mover-C-001")).toContainText("Café Olé GmbH");
    await expect(page.getByTestId("mover-C-001")).toContainText("$0.00");
    await expect(page.getByTestId("mover-C-001")).toContainText("$98.00");
    await expect(page.getByTestId("mover-C-001")).toContainText("Pro started");
    const csv = await download(page, page.getByRole("link", { name: "CSV" }));
    expect(csv[1]).toMatch(/^C-001,Café Olé GmbH,0,98,98,[^,]+,Pro,0,98,started,USD$/);
    await screenshots(page, "arr-drilldown");
    await page.getByRole("link", { name: "Café Olé GmbH" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Café Olé GmbH" })).toBeVisible();
    await expect(page.getByTestId("current-mrr")).toHaveText("$98.00");
    // The customer page's movements, under its MRR history.
    await expect(page.locator("tr[data-testid^=movement-]")).toHaveCount(1);
    await expect(page.getByTestId("movement-2024-01").getByTestId("kind")).toHaveText("New business");
    await expect(page.getByTestId("movement-2024-01").getByTestId("mrr")).toContainText("$0.00 → $98.00");
    await screenshots(page, "customer");
  });
});
