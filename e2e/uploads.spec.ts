import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { newAccount, signIn, signUp } from "./helpers";
import { DEMO } from "./server";

// CSV ingestion end to end: a messy export (BOM, semicolons, CRLF, day-first dates, decimal commas, an
// unknown id column, one bad row) → preview → one column remapped → import → metrics → rejected rows → undo.
const FIXTURE = path.join(import.meta.dirname, "fixtures", "messy-subscriptions.csv");
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const thisMonth = new Date().toISOString().slice(0, 7);

/*
 * Hand-computed from the fixture (MRR-1): C-001 2 × 49.00/month = 98.00; C-002 1,200.00/year = 100.00;
 * C-003 3 × 30.00/quarter = 30.00; C-004 is rejected (31/31/2024); C-005 ended 01/03/2023 (day first).
 */
const EXPECTED_MRR = 228;
const EXPECTED_ACTIVE = 3;

async function screenshots(page: Page, name: string) {
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${viewport}.png`), fullPage: true });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} at ${viewport}: wider than the viewport`).toBeLessThanOrEqual(innerWidth);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

async function summary(page: Page, slug: string, month = thisMonth) {
  const response = await page.request.get(`/api/v1/metrics/summary?org=${slug}&month=${month}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as { mrr: number; active_customers: number };
}

/** From the uploads page: a file (a path, or a name and its text) uploaded to its preview. */
async function uploadToPreview(page: Page, slug: string, file: string | { name: string; text: string }) {
  await page.goto(`/${slug}/uploads`);
  await page
    .getByLabel(/CSV file/)
    .setInputFiles(
      typeof file === "string"
        ? file
        : { name: file.name, mimeType: "text/csv", buffer: Buffer.from(file.text, "utf8") },
    );
  await page.getByRole("button", { name: "Upload and preview" }).click();
}

/** From the preview: imports, and waits for the import to finish. */
async function importSubscriptions(page: Page) {
  await page.getByRole("button", { name: "Import subscriptions" }).click();
  await expect(page.getByRole("heading", { name: "Imported", exact: true })).toBeVisible({ timeout: 60_000 });
}

test("upload a messy CSV, fix the mapping, import it, download the rejected rows, undo it", async ({
  page,
}) => {
  const owner = newAccount("upl");
  let uploadUrl = "";

  await test.step("the empty uploads page explains the accepted shapes", async () => {
    await signUp(page, owner);
    await page.getByRole("navigation", { name: "Modules" }).getByRole("link", { name: "Uploads" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Uploads" })).toBeVisible();
    await expect(page.getByText("No files uploaded yet.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Load sample data" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Subscriptions template (CSV)" })).toHaveAttribute(
      "href",
      "/templates/subscriptions.csv",
    );
  });

  await test.step("a file that is not CSV fails at once with one message, and is discarded", async () => {
    await page.getByLabel(/CSV file/).setInputFiles({
      name: "logo.csv",
      mimeType: "text/csv",
      buffer: Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
      ]),
    });
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page.getByRole("heading", { name: "This file could not be read" })).toBeVisible();
    await expect(
      page.getByRole("alert").filter({ hasText: "This file holds binary data, not CSV text." }),
    ).toBeVisible();
    await expect(page.getByRole("button", { name: "Import subscriptions" })).toHaveCount(0);
    await screenshots(page, "upload-unreadable");
    await page.getByRole("button", { name: "Discard upload" }).click();
    await expect(page.getByRole("status")).toContainText("Discarded ‘logo.csv’");
    await expect(page.getByText("No files uploaded yet.")).toBeVisible();
  });

  await test.step("the preview shows the detected mapping and the bad row", async () => {
    await page.getByLabel(/CSV file/).setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page).toHaveURL(new RegExp(`/${owner.orgSlug}/uploads/[0-9a-f-]{36}$`));
    uploadUrl = page.url();
    await expect(page.getByText(/UTF-8 with BOM, semicolon-separated, header on line 1/)).toBeVisible();
    await expect(page.getByLabel("Field for column Customer Name")).toHaveValue("customer_name");
    await expect(page.getByLabel("Field for column Start")).toHaveValue("start_date");
    await expect(page.getByLabel("Field for column Price")).toHaveValue("amount");
    await expect(page.getByLabel("Field for column Billing")).toHaveValue("interval");
    // A German header ("Land") is read as the country.
    await expect(page.getByLabel("Field for column Land")).toHaveValue("country");
    await expect(page.getByTestId("column-Land")).toContainText("matched 'Land' (German, Dutch)");
    await expect(page.getByText("row 5, column 'Start': '31/31/2024' is not a date")).toBeVisible();
    // Day-first dates and decimal commas, normalised in the sample.
    const sample = page.getByRole("region", { name: /as they will be imported/ });
    await expect(sample.getByRole("row").nth(2)).toContainText("2024-02-03");
    await expect(sample.getByRole("row").nth(2)).toContainText("1,200.00");
  });

  await test.step("the user maps the unknown id column to the customer id", async () => {
    await expect(page.getByLabel("Field for column Ref")).toHaveValue("subscription_id");
    await page.getByLabel("Field for column Ref").selectOption("customer_id");
    await expect(page.getByTestId("column-Ref")).toContainText("chosen by you");
    // The whole file was read (5 rows): the row with 31/31/2024 will be rejected.
    await expect(page.getByTestId("importable")).toHaveText("4 of the 5 rows will be imported, 1 rejected.");
    await screenshots(page, "upload-preview");
  });

  await test.step("the import runs to 100% and the metrics show the file", async () => {
    await page.getByRole("button", { name: "Import subscriptions" }).click();
    await expect(page.getByRole("heading", { name: "Imported", exact: true })).toBeVisible({
      timeout: 60_000,
    });
    await expect(page.getByTestId("count-Rows read")).toHaveText("5");
    await expect(page.getByTestId("count-Imported")).toHaveText("4");
    await expect(page.getByTestId("count-Rejected")).toHaveText("1");
    expect(await summary(page, owner.orgSlug)).toMatchObject({
      mrr: EXPECTED_MRR,
      active_customers: EXPECTED_ACTIVE,
    });
    await page.goto(`/${owner.orgSlug}/customers`);
    await expect(page.getByTestId("customer-C-001")).toContainText("Café Olé GmbH");
    await expect(page.getByTestId("customer-C-001")).toContainText("$98.00");
    await expect(page.getByTestId("customer-C-002")).toContainText("$100.00");
    await page.goto(`/${owner.orgSlug}/uploads`);
    await expect(page.getByTestId("upload-messy-subscriptions.csv")).toContainText("Complete");
  });

  await test.step("the rejected rows download as CSV", async () => {
    await page.goto(uploadUrl);
    await screenshots(page, "upload-result");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download all rejected rows (CSV)" }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, "utf8");
    expect(csv.split(/\r?\n/)[0]).toBe("line,column,value,message");
    expect(csv).toContain("5,Start,31/31/2024,");
    expect(csv).toContain("is not a date");
    // The rows to fix: the rejected row as the file has it, with what is wrong in a last column.
    const rowsDownload = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download the rows to fix (CSV)" }).click();
    const rows = readFileSync(await (await rowsDownload).path(), "utf8").split("\r\n");
    expect(rows[0]).toBe(
      "Ref,Customer Name,E-mail,Land,Plan,Seats,Price,Currency,Billing,Start,Ends,Segment code,Rejected because",
    );
    expect(rows[1]).toBe(
      `C-004,Broken Row,broken@example.fr,FR,Basic,1,"10,00",USD,Monthly,31/31/2024,,SMB,Start: '31/31/2024' is not a date`,
    );
    expect(rows.slice(2)).toEqual([""]);
  });

  await test.step("the same file again is the same upload", async () => {
    await page.goto(`/${owner.orgSlug}/uploads`);
    await page.getByLabel(/CSV file/).setInputFiles(FIXTURE);
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(page).toHaveURL(`${uploadUrl}?duplicate=1`);
    await expect(page.getByText("You uploaded this exact file before")).toBeVisible();
  });

  await test.step("next month's file with the same columns starts with the choices made for this one", async () => {
    await page.goto(`/${owner.orgSlug}/uploads`);
    const header = readFileSync(FIXTURE, "utf8").split(/\r?\n/)[0] ?? "";
    const rows = "C-006;Deli Ost;deli@example.de;AT;Pro;1;49,00;USD;Monthly;02/10/2024;;SMB";
    await page.getByLabel(/CSV file/).setInputFiles({
      name: "messy-subscriptions-next.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`${header}\r\n${rows}\r\n`, "utf8"),
    });
    await page.getByRole("button", { name: "Upload and preview" }).click();
    await expect(
      page.getByText(/Read as your import of ‘messy-subscriptions\.csv’ .*: your 1 column choice\b/),
    ).toBeVisible();
    // Its only date (02/10/2024) cannot tell day from month: read day first, as the first file was.
    const sample = page.getByRole("region", { name: /as they will be imported/ });
    await expect(sample.getByRole("row").nth(1)).toContainText("2024-10-02");
    await expect(page.getByLabel("Field for column Ref")).toHaveValue("customer_id");
    await expect(page.getByLabel("Field for column Land")).toHaveValue("country");
    await expect(page.getByTestId("column-Ref")).toContainText(
      "as in your import of 'messy-subscriptions.csv'",
    );
    await screenshots(page, "upload-preview-remembered");
    // Nothing was imported from it: it is discarded, without the undo's confirmation.
    await page.getByRole("button", { name: "Discard upload" }).click();
    await expect(page).toHaveURL(new RegExp(`/${owner.orgSlug}/uploads\\?discarded=`));
    await expect(page.getByRole("status")).toContainText(
      "Discarded ‘messy-subscriptions-next.csv’: nothing had been imported from it.",
    );
    await page.goto(uploadUrl);
  });

  await test.step("deleting the upload undoes its import, once confirmed", async () => {
    await page.getByRole("button", { name: "Delete upload and undo its import" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Tick the box to confirm" })).toBeVisible();
    await screenshots(page, "upload-delete-confirm");
    expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: EXPECTED_MRR });
    await page.getByLabel(/Yes, remove what the import of ‘messy-subscriptions\.csv’ created/).check();
    await page.getByRole("button", { name: "Delete upload and undo its import" }).click();
    await expect(page).toHaveURL(new RegExp(`/${owner.orgSlug}/uploads\\?deleted=`));
    await expect(page.getByRole("status")).toContainText(
      "Upload deleted: 4 subscription items and 4 customers removed",
    );
    await expect(page.getByText("No files uploaded yet.")).toBeVisible();
    expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: 0, active_customers: 0 });
  });
});

test("the preview's format choices reach the import: amounts in cents, a chosen date order", async ({
  page,
}) => {
  const owner = newAccount("fmt");
  await signUp(page, owner);
  const monthMrr = async (month: string) => (await summary(page, owner.orgSlug, month)).mrr;

  // Baremetrics' template writes plan_amount in cents: 2 × 5000 = $100.00 of MRR in April 2020.
  await uploadToPreview(
    page,
    owner.orgSlug,
    path.join(
      import.meta.dirname,
      "..",
      "tests",
      "fixtures",
      "ingest",
      "baremetrics_manual_subscription_import_template.csv",
    ),
  );
  await expect(page.getByText(/amounts are read as cents \(5000 = 50\.00\)/)).toBeVisible();
  await expect(page.getByLabel("Amounts are")).toHaveValue("");
  await importSubscriptions(page);
  expect(await monthMrr("2020-04")).toBe(100);

  // 03/02/2024 cannot tell: read month first unless the user says day first, which the import keeps.
  await uploadToPreview(page, owner.orgSlug, {
    name: "day-first.csv",
    text: "Customer ID,Amount,Interval,Start Date\nd1,10.00,month,03/02/2024\n",
  });
  await page.getByLabel("Dates are written").selectOption("dmy");
  const sample = page.getByRole("region", { name: /as they will be imported/ });
  await expect(sample.getByRole("row").nth(1)).toContainText("2024-02-03");
  await importSubscriptions(page);
  expect(await monthMrr("2024-02")).toBe(10);
});

test("next month's export: its changes take effect on the day chosen, and undoing it puts them back", async ({
  page,
}) => {
  const owner = newAccount("undo");
  await signUp(page, owner);
  const mrrIn = async (month: string) => (await summary(page, owner.orgSlug, month)).mrr;
  const upload = (name: string, text: string) => uploadToPreview(page, owner.orgSlug, { name, text });
  const header = "Subscription ID,Customer ID,Customer Name,Amount,Interval,Start Date\n";
  await upload(
    "october.csv",
    `${header}s1,c1,Acme,100.00,month,2024-01-01\ns2,c2,Globex,50.00,month,2024-01-01\n`,
  );
  await expect(page.getByRole("heading", { name: "Subscriptions imported before" })).toHaveCount(0);
  await importSubscriptions(page);
  expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: 150, active_customers: 2 });

  // Next month's export: s1 doubled from 2024-11-01, and Globex renamed.
  await upload(
    "november.csv",
    `${header}s1,c1,Acme,200.00,month,2024-01-01\ns2,c2,Globex Corp,50.00,month,2024-01-01\n`,
  );
  await expect(page.getByTestId("earlier")).toContainText(
    "2 of the 2 rows checked are subscriptions an earlier upload imported; 1 of them changes its amount, plan, quantity or status, or comes back after ending.",
  );
  await expect(page.getByRole("combobox", { name: "Changes", exact: true })).toHaveValue("day");
  await page.getByLabel("Take effect on", { exact: true }).fill("2024-11-01");
  await screenshots(page, "upload-preview-earlier");
  await importSubscriptions(page);
  await expect(page.getByTestId("changed-earlier")).toContainText(
    "Changed 1 subscription item and 1 customer that earlier uploads imported: 1 change took effect on 2024-11-01",
  );
  // October keeps its revenue; November shows the expansion.
  expect(await mrrIn("2024-10")).toBe(150);
  expect(await mrrIn("2024-11")).toBe(250);
  expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: 250 });

  await page.getByLabel(/Yes, remove what the import of ‘november\.csv’ created/).check();
  await page.getByRole("button", { name: "Delete upload and undo its import" }).click();
  await expect(page.getByRole("status")).toContainText(
    "Upload deleted: 0 subscription items and 0 customers removed; 1 item and 1 customer it had changed put back as they were before it, and the metrics updated.",
  );
  await screenshots(page, "upload-undo-restored");
  expect(await mrrIn("2024-11")).toBe(150);
  expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: 150, active_customers: 2 });
  await page.goto(`/${owner.orgSlug}/customers`);
  await expect(page.getByTestId("customer-c2")).toContainText("Globex");
  await expect(page.getByTestId("customer-c2")).not.toContainText("Globex Corp");
});

test("a full export: the subscriptions it leaves out end on the day chosen, and undo brings them back", async ({
  page,
}) => {
  const owner = newAccount("fullexport");
  await signUp(page, owner);
  const mrrIn = async (month: string) => (await summary(page, owner.orgSlug, month)).mrr;
  const upload = (name: string, text: string) => uploadToPreview(page, owner.orgSlug, { name, text });
  const header = "Subscription ID,Customer ID,Customer Name,Amount,Interval,Start Date\n";
  const s1 = "s1,c1,Acme,100.00,month,2024-01-01\n";
  const s2 = "s2,c2,Globex,50.00,month,2024-01-01\n";
  await upload("all-october.csv", `${header}${s1}${s2}s3,c3,Initech,30.00,month,2024-02-01\n`);
  await importSubscriptions(page);
  expect(await summary(page, owner.orgSlug)).toMatchObject({ mrr: 180, active_customers: 3 });

  // December's export no longer lists Initech's subscription.
  await upload("all-december.csv", `${header}${s2}${s1}`);
  await expect(page.getByTestId("earlier-missing")).toHaveText(
    "1 of the 3 live subscriptions imported before is not in this file. Left unticked, it stays as it is.",
  );
  await page.getByLabel(/This file lists every live subscription/).check();
  await page.getByLabel("Take effect on", { exact: true }).fill("2024-12-01");
  await expect(page.getByText("end those it leaves out on 2024-12-01")).toBeVisible();
  // Ticked, the whole file is read on the day chosen: what ends, its MRR, and whose.
  await expect(page.getByTestId("left-out")).toHaveText(
    "The whole file (2 rows) leaves out 1 of the 3 subscriptions live on 2024-12-01 that earlier uploads imported: Initech (s3, $30.00 MRR). It ends on 2024-12-01; deleting the upload afterwards puts it back.",
  );
  await page.getByLabel("Take effect on", { exact: true }).fill("2024-01-15");
  await expect(page.getByTestId("left-out")).toHaveText(
    "The whole file (2 rows) lists all 2 subscriptions live on 2024-01-15 that earlier uploads imported: nothing ends.",
  );
  await page.getByLabel("Take effect on", { exact: true }).fill("2024-12-01");
  await expect(page.getByTestId("left-out")).toContainText("leaves out 1 of the 3");
  await screenshots(page, "upload-preview-full-export");
  await importSubscriptions(page);
  await expect(page.getByTestId("ended-missing")).toHaveText(
    "Ended 1 subscription item that earlier uploads imported and this file no longer lists, on 2024-12-01. Deleting this upload puts it back.",
  );
  await expect(page.getByTestId("changed-earlier")).toHaveCount(0);
  await screenshots(page, "upload-full-export-result");
  expect(await mrrIn("2024-11")).toBe(180);
  expect(await summary(page, owner.orgSlug, "2024-12")).toMatchObject({ mrr: 150, active_customers: 2 });

  await page.getByLabel(/Yes, remove what the import of ‘all-december\.csv’ created/).check();
  await page.getByRole("button", { name: "Delete upload and undo its import" }).click();
  await expect(page.getByRole("status")).toContainText("1 item and 0 customers it had changed put back");
  expect(await summary(page, owner.orgSlug, "2024-12")).toMatchObject({ mrr: 180, active_customers: 3 });
});

test("the demo org starts with the sample data, imported through the same pipeline", async ({ page }) => {
  await signIn(page, DEMO);
  await page.goto(`/${DEMO.slug}/uploads`);
  const row = page.getByTestId("upload-sample-subscriptions.csv");
  await expect(row).toContainText("Complete", { timeout: 60_000 });
  await page.reload();
  // data/sample/subscriptions.csv: 5,000 subscriptions, every one readable.
  await expect(row.getByRole("cell").nth(2)).toHaveText("5,000");
  await expect(row.getByRole("cell").nth(3)).toHaveText("5,000");
  await expect(row.getByRole("cell").nth(4)).toHaveText("0");
  await screenshots(page, "uploads-list");
  const customers = await page.request.get(`/api/v1/metrics/summary?org=${DEMO.slug}&month=2024-12`);
  expect(await customers.json()).toMatchObject({ active_customers: 500 });
  // The home page's first step says the data is in (counts: other specs may add to the demo org) and
  // leads to the dashboard.
  await page.goto(`/${DEMO.slug}`);
  await expect(page.getByText("Your customers and subscriptions are in")).toBeVisible();
  await expect(
    page.getByText(/[\d,]+ customers and [\d,]+ subscription items, [\d,]+ imported uploads?\./),
  ).toBeVisible();
  await page.getByRole("link", { name: "Open the ARR dashboard" }).click();
  await expect(page).toHaveURL(new RegExp(`/${DEMO.slug}/arr`));
});
