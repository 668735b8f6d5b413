import path from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { invitationLink, inviteMember, latestMailTo, newAccount, signUp, submitAction } from "./helpers";

// Manual entry (issue 7): a customer and a subscription item typed in by hand, through to MRR.
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/** `YYYY-MM-DD` in UTC, as the server's months are. */
const day = (d: Date) => d.toISOString().slice(0, 10);
const now = new Date();
const today = day(now);
const thisMonth = today.slice(0, 7);
const lastMonthStart = day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
const lastMonth = lastMonthStart.slice(0, 7);

const formWith = (page: Page, button: string): Locator =>
  page.locator("form").filter({ has: page.getByRole("button", { name: button, exact: true }) });

async function expectNoHorizontalOverflow(page: Page, id: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${id}: page wider than the viewport`).toBeLessThanOrEqual(innerWidth);
}

test("a member adds a customer and a subscription item by hand; MRR follows; a viewer only reads", async ({
  page,
  browser,
}) => {
  const owner = newAccount("cust");
  const viewer = newAccount("cust-viewer");
  const list = `/${owner.orgSlug}/customers`;
  let customerUrl = "";
  let customerId = "";

  await test.step("the new org's customer list says how to start", async () => {
    await signUp(page, owner);
    await page.getByRole("navigation", { name: "Modules" }).getByRole("link", { name: "Customers" }).click();
    await expect(page).toHaveURL(list);
    await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
    await expect(
      page.getByText(/No customers yet\. Add your first customer with the form above/),
    ).toBeVisible();
    await expect(page.getByText(/coming soon/i)).toHaveCount(0);
  });

  await test.step("adding a customer checks its fields, then opens its page", async () => {
    const form = formWith(page, "Add customer");
    await form.getByLabel("Email (optional)").fill("not-an-email");
    await submitAction(page, form.getByRole("button", { name: "Add customer" }));
    await expect(form.getByText("Enter the customer's name.", { exact: true })).toBeVisible();
    await expect(form.getByText("Enter an email address, or leave it empty.", { exact: true })).toBeVisible();
    await form.getByLabel("Name", { exact: true }).fill("Acme Rockets");
    await form.getByLabel("Email (optional)").fill("billing@acme.test");
    await form.getByLabel("Country (optional)").fill("DE");
    await form.getByLabel("Segment (optional)").fill("SMB");
    await form.getByRole("button", { name: "Add customer" }).click();
    await expect(page).toHaveURL(new RegExp(`${list}/[0-9a-f-]{36}$`));
    customerUrl = new URL(page.url()).pathname;
    customerId = customerUrl.split("/").at(-1) ?? "";
    await expect(page.getByRole("heading", { level: 1, name: "Acme Rockets" })).toBeVisible();
    await expect(page.getByText(/^manual-[0-9a-f]{10}$/)).toBeVisible();
    await expect(page.getByTestId("current-mrr")).toHaveText("$0.00");
  });

  await test.step("adding an item: field errors, the missing fx rate, then MRR-1's $9.00", async () => {
    const form = formWith(page, "Add item");
    const add = form.getByRole("button", { name: "Add item" });
    await form.getByLabel("Plan (optional)").fill("Pro");
    await form.getByLabel("Unit price per period").fill("12,5");
    await form.getByLabel("Billed every").selectOption("year");
    await form.getByLabel("Recurring discount % (optional)").fill("10");
    await submitAction(page, add);
    await expect(
      form.getByText("Enter an amount like 19.99 (digits and a decimal point).", { exact: true }),
    ).toBeVisible();
    await expect(
      form.getByText("Enter the start date as a date (YYYY-MM-DD).", { exact: true }),
    ).toBeVisible();

    await form.getByLabel("Unit price per period").fill("120.005");
    await form.getByLabel("Start date").fill(lastMonthStart);
    await submitAction(page, add);
    await expect(form.getByText("USD has 2 decimal places at most.", { exact: true })).toBeVisible();

    await form.getByLabel("Unit price per period").fill("120");
    await form.getByLabel("Currency").fill("EUR");
    await submitAction(page, add);
    await expect(form.getByRole("alert")).toHaveText(
      `No exchange rate from EUR to USD on or before ${lastMonthStart}: add a EUR rate dated on or before ${lastMonthStart} under Settings → Exchange rates first.`,
    );
    await expect(page.getByTestId("current-mrr")).toHaveText("$0.00");

    await form.getByLabel("Currency").fill("USD");
    await submitAction(page, add);
    await expect(form.getByText("Item added.")).toBeVisible();
    // $120/year with a 10% recurring discount: (12000 − 1200) / 12 = 900 cents.
    await expect(page.getByTestId("current-mrr")).toHaveText("$9.00");
    await expect(page.getByTestId(`mrr-${lastMonth}`)).toContainText("$9.00");
    await expect(page.getByTestId(`mrr-${thisMonth}`)).toContainText("$9.00");
    const row = page.getByRole("row").filter({ hasText: "Pro" });
    await expect(row).toContainText("1 × $120.00 / year − 10%");
    await expect(row).toContainText("$9.00");
  });

  await test.step("a customer id of one's own is kept, and taken only once", async () => {
    for (const name of ["Beta Labs", "Beta Again"]) {
      await page.goto(list);
      await page.locator("summary").filter({ hasText: "Add a customer" }).click();
      const form = formWith(page, "Add customer");
      await form.getByLabel("Name", { exact: true }).fill(name);
      await form.getByLabel("Customer id (optional)").fill("crm-42");
      if (name === "Beta Labs") {
        await form.getByRole("button", { name: "Add customer" }).click();
        await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
      } else {
        await submitAction(page, form.getByRole("button", { name: "Add customer" }));
      }
    }
    const form = formWith(page, "Add customer");
    await expect(form.getByRole("alert")).toHaveText("A customer with the id crm-42 exists already.");
    await expect(form.getByText("Another customer has this id.", { exact: true })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "Beta Labs" })).toContainText("crm-42");
    await expect(page.getByText("Beta Again")).toHaveCount(0);
  });

  await test.step("the list shows the customer's MRR and active item", async () => {
    await page.goto(list);
    await expect(page.getByText("1–2 of 2")).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: "Acme Rockets" });
    await expect(row).toContainText("$9.00");
    await expect(row.getByRole("cell").last()).toHaveText("1");
    await page.getByLabel("Search by name").fill("rocket");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(`${list}?q=rocket`);
    await expect(page.getByRole("row").filter({ hasText: "Acme Rockets" })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: "Beta Labs" })).toHaveCount(0);
    await page.goto(`${list}?q=nobody`);
    await expect(page.getByText("No customer's name contains “nobody”.")).toBeVisible();
  });

  let editUrl = "";
  await test.step("editing the item changes its MRR everywhere", async () => {
    await page.goto(customerUrl);
    await page.getByRole("link", { name: /^Edit or end Pro/ }).click();
    await expect(page.getByRole("heading", { name: `Edit Pro from ${lastMonthStart}` })).toBeVisible();
    editUrl = new URL(page.url()).pathname + new URL(page.url()).search;
    const form = formWith(page, "Save item");
    await expect(form.getByLabel("Unit price per period")).toHaveValue("120.00");
    await expect(form.getByLabel("Recurring discount % (optional)")).toHaveValue("10");
    await form.getByLabel("Quantity").fill("2");
    await submitAction(page, form.getByRole("button", { name: "Save item" }));
    await expect(form.getByText("Item updated.")).toBeVisible();
    await expect(page.getByTestId("current-mrr")).toHaveText("$18.00");
    await expect(page.getByRole("heading", { name: "Subscription items (1)" })).toBeVisible();
  });

  await test.step("screenshots of both pages (the item panel open) at desktop and phone width", async () => {
    for (const [name, size] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(size);
      for (const [id, url, ready] of [
        [`customers-list-${name}`, list, page.getByRole("heading", { level: 1, name: "Customers" })],
        [`customers-detail-${name}`, editUrl, page.getByTestId("current-mrr")],
      ] as const) {
        await page.goto(url);
        await expect(ready).toBeVisible();
        // Open the add form, so the screenshot shows its layout too.
        if (url === list) await page.locator("summary").filter({ hasText: "Add a customer" }).click();
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${id}.png`), fullPage: true });
        await expectNoHorizontalOverflow(page, id);
      }
    }
    await page.setViewportSize(VIEWPORTS.desktop);
  });

  await test.step("ending the item empties this month's MRR and keeps last month's", async () => {
    await page.goto(editUrl);
    const end = formWith(page, "End item");
    await end.getByLabel(/^End date/).fill(today);
    await submitAction(page, end.getByRole("button", { name: "End item" }));
    await expect(end.getByText(`Item ends on ${today}.`)).toBeVisible();
    // The end date is the first day without service: last month's end keeps the item, this one's does not.
    await expect(page.getByTestId("current-mrr")).toHaveText("$0.00");
    await expect(page.getByTestId(`mrr-${lastMonth}`)).toContainText("$18.00");
    await expect(page.getByTestId(`mrr-${thisMonth}`)).toContainText("$0.00");
    await expect(page.getByRole("row").filter({ hasText: "Pro" })).toContainText("canceled");
  });

  await test.step("a viewer of the org sees the data and no forms", async () => {
    await inviteMember(page, { orgSlug: owner.orgSlug, email: viewer.email, role: "viewer" });
    const link = invitationLink(await latestMailTo(viewer.email));
    const viewerContext = await browser.newContext();
    const viewerPage = await viewerContext.newPage();
    await viewerPage.goto(link);
    await viewerPage.getByLabel("Your name", { exact: true }).fill(viewer.name);
    await viewerPage.getByLabel("Password", { exact: true }).fill(viewer.password);
    await viewerPage.getByRole("button", { name: "Create account" }).click();
    await expect(viewerPage).toHaveURL(`/${owner.orgSlug}`);

    await viewerPage.goto(list);
    await expect(viewerPage.getByRole("row").filter({ hasText: "Acme Rockets" })).toContainText("$0.00");
    await expect(viewerPage.getByText("Add a customer")).toHaveCount(0);
    await expect(viewerPage.getByRole("button", { name: "Add customer" })).toHaveCount(0);

    // Even at the edit panel's address, a viewer gets the data and no form at all.
    await viewerPage.goto(editUrl);
    await expect(viewerPage.getByRole("heading", { level: 1, name: "Acme Rockets" })).toBeVisible();
    await expect(viewerPage.getByTestId(`mrr-${lastMonth}`)).toContainText("$18.00");
    await expect(viewerPage.getByRole("row").filter({ hasText: "Pro" })).toContainText("2 × $120.00 / year");
    await expect(viewerPage.locator("main form")).toHaveCount(0);
    await expect(viewerPage.getByRole("link", { name: /^Edit or end/ })).toHaveCount(0);
    await viewerContext.close();
  });

  await test.step("another org's customer is a 404", async () => {
    const stranger = newAccount("cust-other");
    const otherContext = await browser.newContext();
    const other = await otherContext.newPage();
    await signUp(other, stranger);
    for (const url of [
      `/${stranger.orgSlug}/customers/${customerId}`,
      `/${stranger.orgSlug}/customers/nope`,
    ]) {
      const res = await other.goto(url);
      expect(res?.status(), url).toBe(404);
      await expect(other.getByText("Acme Rockets")).toHaveCount(0);
    }
    await otherContext.close();
  });
});
