import { readFileSync } from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getMrrSeries } from "@/db/queries/revenue";
import { listRejections } from "@/db/queries/uploads";
import { customers, subscriptionItemPeriods, subscriptionItems } from "@/db/schema";
import { setFxRate } from "@/lib/revenue/fx";
import { importUpload } from "@/lib/uploads/import";
import { previewUpload, queueImport } from "@/lib/uploads/plan";
import { counts, itemsByCustomer, setupUploads } from "./helpers/uploads";

const { db, newOrg, importText, store } = setupUploads();

const items = (orgId: string) =>
  db()
    .select({
      externalId: subscriptionItems.externalId,
      mrr: subscriptionItems.mrr,
      unitAmount: subscriptionItems.unitAmount,
      status: subscriptionItems.status,
    })
    .from(subscriptionItems)
    .where(eq(subscriptionItems.orgId, orgId))
    .orderBy(asc(subscriptionItems.externalId));

describe("importing subscriptions", () => {
  it("computes MRR-1 exactly in cents: yearly with a discount, quarterly, a ready MRR column", async () => {
    const orgId = await newOrg("mrr");
    const u = await importText(
      orgId,
      [
        "Subscription ID,Customer,Email,Plan,Amount,Currency,Billing Period,Discount %,Start Date,Status",
        "s1,Acme,ops@acme.com,Pro,$120.00,USD,yearly,10%,2024-01-05,active",
        "s2,Bolt,hi@bolt.io,Basic,90,USD,quarterly,,2024-02-01,active",
        's3,Cyan,c@cyan.dev,Big,"2,000.00",USD,annual,,2024-02-01,trialing',
      ].join("\n"),
    );
    expect(counts(u)).toEqual({ status: "complete", read: 3, imported: 3, unchanged: 0, rejected: 0 });
    expect(await items(orgId)).toEqual([
      { externalId: "s1", mrr: 900, unitAmount: 12_000, status: "active" },
      { externalId: "s2", mrr: 3_000, unitAmount: 9_000, status: "active" },
      { externalId: "s3", mrr: 16_667, unitAmount: 200_000, status: "trialing" },
    ]);
    const periods = await db()
      .select({ kind: subscriptionItemPeriods.kind, start: subscriptionItemPeriods.startDate })
      .from(subscriptionItemPeriods)
      .where(eq(subscriptionItemPeriods.orgId, orgId));
    expect(periods).toEqual([{ kind: "trialing", start: "2024-02-01" }]);

    const ready = await newOrg("ready");
    const r = await importText(
      ready,
      [
        "subscription_id,account_id,start_date,end_date,plan_tier,mrr_amount",
        "S-1,A-1,2024-01-01,,Pro,833.335",
      ].join("\n"),
    );
    expect(counts(r)).toMatchObject({ status: "complete", imported: 1 });
    expect(await items(ready)).toEqual([
      { externalId: "S-1", mrr: 83_334, unitAmount: 83_334, status: "active" },
    ]);
  });

  it("a trial flag column makes items trialing, ended or not, where the row has no status (MRR-1: they add 0)", async () => {
    const orgId = await newOrg("trial-flag");
    const header = "subscription_id,account_id,start_date,end_date,plan_tier,mrr_amount,is_trial";
    const file = (s1Trial: string) =>
      [
        header,
        `S-1,A-1,2024-03-01,,Pro,50,${s1Trial}`,
        "S-2,A-2,2024-03-01,,Pro,70,FALSE",
        "S-3,A-3,2024-03-01,2024-06-01,Pro,90,TRUE",
        "S-4,A-4,2024-03-01,,Pro,30,yes",
        "S-5,A-5,2024-03-01,,Pro,10,maybe",
      ].join("\n");
    const u = await importText(orgId, file("TRUE"));
    expect(counts(u)).toEqual({ status: "complete", read: 5, imported: 4, unchanged: 0, rejected: 1 });
    expect(await items(orgId)).toEqual([
      { externalId: "S-1", mrr: 5_000, unitAmount: 5_000, status: "trialing" },
      { externalId: "S-2", mrr: 7_000, unitAmount: 7_000, status: "active" },
      // A trial that ended (before the import's day) stays a trial: it never paid.
      { externalId: "S-3", mrr: 9_000, unitAmount: 9_000, status: "trialing" },
      { externalId: "S-4", mrr: 3_000, unitAmount: 3_000, status: "trialing" },
    ]);
    const [rejected] = await listRejections(db(), orgId, u.id);
    expect(rejected).toMatchObject({ line: 6, column: "is_trial", value: "maybe" });
    expect(rejected?.message).toMatch(/'maybe' is not yes or no/);
    const mrrIn = async (month: string) =>
      (await getMrrSeries(db(), { orgId, from: month, to: month }))[0]?.mrr;
    // Only S-2 pays, also in April while the trial S-3 ran (as canceled it would have added 90).
    expect(await mrrIn("2024-04")).toBe(7_000);
    expect(await mrrIn("2024-12")).toBe(7_000);

    // The trial converts on 2024-06-01: the same rows again with S-1 no longer a trial, taking effect then.
    const again = await importText(orgId, file("FALSE"), { options: { changesFrom: "2024-06-01" } });
    expect(counts(again)).toEqual({ status: "complete", read: 5, imported: 1, unchanged: 3, rejected: 1 });
    expect(await mrrIn("2024-04")).toBe(7_000);
    expect(await mrrIn("2024-12")).toBe(12_000);
    const periods = await db()
      .select({ item: subscriptionItems.externalId, kind: subscriptionItemPeriods.kind })
      .from(subscriptionItemPeriods)
      .innerJoin(subscriptionItems, eq(subscriptionItems.id, subscriptionItemPeriods.itemId))
      .where(eq(subscriptionItemPeriods.orgId, orgId));
    expect(periods.sort((a, b) => a.item.localeCompare(b.item))).toEqual([
      { item: "S-1@2024-03-01..2024-06-01", kind: "trialing" },
      { item: "S-3", kind: "trialing" },
      { item: "S-4", kind: "trialing" },
    ]);
  });

  it("a status column wins over the trial flag; the flag fills rows whose status is blank", async () => {
    const orgId = await newOrg("trial-and-status");
    const u = await importText(
      orgId,
      [
        "Subscription ID,Customer,Amount,Currency,Interval,Start Date,Status,Trial",
        "s1,Acme,100,USD,monthly,2024-01-01,active,yes",
        "s2,Bolt,100,USD,monthly,2024-01-01,,yes",
        "s3,Cyan,100,USD,monthly,2024-01-01,past due,no",
      ].join("\n"),
    );
    expect(counts(u)).toMatchObject({ status: "complete", imported: 3, rejected: 0 });
    expect((await items(orgId)).map((i) => [i.externalId, i.status])).toEqual([
      ["s1", "active"],
      ["s2", "trialing"],
      ["s3", "past_due"],
    ]);
  });

  it("imports a French export as it comes (Windows-1252, ';', French headers, words and dates), unmapped", async () => {
    const orgId = await newOrg("french", "EUR");
    const text = [
      "N° abonnement;Nom du client;Formule;Montant HT;Devise;Périodicité;Date de début;Date de résiliation;Statut",
      "AB-1;Boulangerie Paul;Essentiel;49,00 €;EUR;mensuel;15/01/2024;;actif",
      "AB-2;Café Olé;Pro;1 200,00 €;EUR;annuel;1er février 2024;;Période d'essai",
      "AB-3;Hôtel Régence;Essentiel;147,00 €;EUR;tous les 3 mois;03/02/2024;31/05/2024;résilié",
      "AB-4;Épicerie Fine;Pro;99,00 €;EUR;mensuel;20/03/2024;;suspendue",
    ].join("\r\n");
    // Windows-1252: Latin-1's bytes, and € as 0x80.
    const u = await importText(orgId, new Uint8Array(Buffer.from(text.replaceAll("€", "\x80"), "latin1")));
    expect(counts(u)).toEqual({ status: "complete", read: 4, imported: 4, unchanged: 0, rejected: 0 });
    expect(await items(orgId)).toEqual([
      { externalId: "AB-1", mrr: 4_900, unitAmount: 4_900, status: "active" },
      { externalId: "AB-2", mrr: 10_000, unitAmount: 120_000, status: "trialing" },
      { externalId: "AB-3", mrr: 4_900, unitAmount: 14_700, status: "canceled" },
      { externalId: "AB-4", mrr: 9_900, unitAmount: 9_900, status: "paused" },
    ]);
    const names = await db()
      .select({ name: customers.name })
      .from(customers)
      .where(eq(customers.orgId, orgId))
      .orderBy(asc(customers.name));
    expect(names.map((c) => c.name)).toEqual([
      "Boulangerie Paul",
      "Café Olé",
      "Hôtel Régence",
      "Épicerie Fine",
    ]);
    // MRR-3 at the end of April 2024: AB-1 and AB-3 pay (AB-2 is a trial, AB-4 paused since it started).
    const [april] = await getMrrSeries(db(), { orgId, from: "2024-04", to: "2024-04" });
    expect(april?.mrr).toBe(9_800);
    const [june] = await getMrrSeries(db(), { orgId, from: "2024-06", to: "2024-06" });
    expect(june?.mrr).toBe(4_900);
  });

  it("keeps ids and plan names with commas, quotes, line breaks and non-ASCII exactly as written", async () => {
    // These reach the staging table as COPY CSV lines (prepareBatch), FROM STDIN on a server and from a
    // Blob on PGlite; through PGlite's socket as JSON (uploads-socket.test.ts).
    const orgId = await newOrg("quoting");
    const u = await importText(
      orgId,
      [
        "Subscription ID,Customer,Plan,Amount,Currency,Billing Period,Start Date",
        '"s,1",Acme,"Pro, ""annual""",$120.00,USD,yearly,2024-01-05',
        '"s""2",Bolt,"Basic\nTwo lines",90,USD,monthly,2024-02-01',
        "s3 Ünïcødé,Cyan,Größe,10,USD,monthly,2024-02-01",
        "s4,Dune,,10,USD,monthly,2024-02-01",
      ].join("\n"),
    );
    expect(counts(u)).toEqual({ status: "complete", read: 4, imported: 4, unchanged: 0, rejected: 0 });
    const rows = await itemsByCustomer(db(), orgId);
    expect(rows).toEqual([
      { key: "s,1", plan: 'Pro, "annual"', customer: "Acme", mrr: 1_000 },
      { key: 's"2', plan: "Basic\nTwo lines", customer: "Bolt", mrr: 9_000 },
      { key: "s3 Ünïcødé", plan: "Größe", customer: "Cyan", mrr: 1_000 },
      { key: "s4", plan: null, customer: "Dune", mrr: 1_000 },
    ]);
  });

  it("rejects a quantity larger than the database holds as a row, and imports the rest", async () => {
    // It once reached the staging COPY on a Postgres server, whose refusal postgres.js lost: the import hung.
    const orgId = await newOrg("huge-quantity");
    const u = await importText(
      orgId,
      [
        "Subscription ID,Customer,Plan,Qty,Amount,Currency,Billing Period,Start Date",
        "s1,Acme,Pro,5000000000,$10.00,USD,monthly,2024-01-05",
        "s2,Bolt,Pro,2147483647,$10.00,USD,monthly,2024-01-05",
      ].join("\n"),
    );
    expect(counts(u)).toEqual({ status: "complete", read: 2, imported: 1, unchanged: 0, rejected: 1 });
    const [rejected] = await listRejections(db(), orgId, u.id);
    expect(rejected).toMatchObject({ line: 2, column: "Qty", value: "5000000000" });
    expect(rejected?.message).toMatch(/more than 2,147,483,647/);
  });

  it("converts other currencies at the rate on the start date, and rejects rows without a rate", async () => {
    const orgId = await newOrg("fx");
    await setFxRate(db(), { orgId, currency: "EUR", date: "2024-01-01", rate: "1.1" });
    const u = await importText(
      orgId,
      [
        "id,customer_id,amount,currency,interval,start_date",
        "e1,C1,100,EUR,month,2024-02-01",
        "e2,C2,100,EUR,month,2023-12-01",
        "g1,C3,50,GBP,month,2024-02-01",
      ].join("\n"),
    );
    expect(counts(u)).toEqual({ status: "complete", read: 3, imported: 1, unchanged: 0, rejected: 2 });
    expect((await items(orgId)).map((i) => [i.externalId, i.mrr])).toEqual([["e1", 11_000]]);
    const rejected = await listRejections(db(), orgId, u.id);
    expect(rejected).toEqual([
      {
        line: 3,
        column: "currency",
        field: "currency",
        value: "EUR",
        message: expect.stringMatching(/^has no exchange rate from EUR to USD on or before 2023-12-01/),
      },
      {
        line: 4,
        column: "currency",
        field: "currency",
        value: "GBP",
        message: expect.stringMatching(/^has no exchange rate from GBP to USD/),
      },
    ]);
  });

  it("the preview flags the rows the import would reject for a missing exchange rate", async () => {
    const orgId = await newOrg("fx-preview");
    await setFxRate(db(), { orgId, currency: "EUR", date: "2024-01-01", rate: "1.1" });
    const csv = [
      "id,customer_id,amount,currency,interval,start_date,status",
      "e1,C1,100,EUR,month,2024-02-01,active",
      "e2,C2,100,EUR,month,2023-12-01,active",
      "u1,C3,50,USD,month,2024-02-01,canceled",
    ].join("\n");
    const { upload } = await store(orgId, csv, "fx-preview.csv");
    const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!preview.ok) throw new Error(preview.error.message);
    const rowProblems = preview.problems.filter((p) => p.line !== undefined);
    expect(rowProblems).toEqual([
      {
        code: "invalid_row",
        severity: "error",
        line: 3,
        column: "currency",
        value: "EUR",
        message: expect.stringMatching(
          /^row 3, column 'currency': has no exchange rate from EUR to USD on or before 2023-12-01: add a EUR rate/,
        ),
      },
      {
        code: "invalid_row",
        severity: "error",
        line: 4,
        column: "status",
        value: "canceled",
        message: expect.stringMatching(/^row 4, column 'status': is canceled but the row has no end date/),
      },
    ]);
    expect(preview.rowsWithErrors).toBe(2);
    expect(preview.sample.map((r) => r.errors.map((e) => e.field))).toEqual([[], ["currency"], ["status"]]);
    // MRR-1 of each row as the import would store it: EUR 100.00 × 1.1 = USD 110.00; rejected rows have none.
    expect(preview.sample.map((r) => r.mrr)).toEqual([{ minor: 11_000, currency: "USD" }, null, null]);
    expect(preview.canImport).toBe(true);

    // A rate dated early enough answers it: the preview no longer flags the row.
    await setFxRate(db(), { orgId, currency: "EUR", date: "2023-11-01", rate: "1.05" });
    const again = await previewUpload(db(), { orgId, uploadId: upload.id });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.problems.filter((p) => p.line !== undefined).map((p) => p.line)).toEqual([4]);
  });

  it("rejects rows with their line, column, value and a message; rows without ids get deterministic keys", async () => {
    const orgId = await newOrg("rej");
    const u = await importText(
      orgId,
      [
        "Customer Name,Customer Email,Plan,Amount,Interval,Start Date,End Date",
        "Ana Lopez,ana@x.com,Pro,10,month,2024-01-01,",
        "Bob,,Pro,ten,month,2024-01-01,",
        "Cid,,Pro,10,month,2024-05-01,2024-04-01",
        "",
        "Dee,,Pro,10,fortnightly-ish,2024-01-01,",
        "ANA   LOPEZ,ANA@X.COM,Pro,10,month,2024-01-01,",
      ].join("\r\n"),
    );
    expect(counts(u)).toEqual({ status: "complete", read: 5, imported: 1, unchanged: 0, rejected: 4 });
    const rejected = await listRejections(db(), orgId, u.id);
    expect(rejected.map((r) => [r.line, r.column, r.value])).toEqual([
      [3, "Amount", "ten"],
      [4, "End Date", "2024-04-01"],
      [6, "Interval", "fortnightly-ish"],
      [7, null, null],
    ]);
    expect(rejected[3]?.message).toBe(
      "repeats the subscription of row 2 (same customer, plan, start date and amount); it is imported once",
    );
    const [c] = await db()
      .select({ externalId: customers.externalId, name: customers.name, upload: customers.sourceUploadId })
      .from(customers)
      .where(eq(customers.orgId, orgId));
    expect(c).toEqual({ externalId: "email:ana@x.com", name: "Ana Lopez", upload: u.id });
    const [item] = await items(orgId);
    expect(item?.externalId).toMatch(/^row:[0-9a-f]{32}$/);
  });

  it("reads Baremetrics' template's plan_amount as cents, and as units when told", async () => {
    const csv = readFileSync(
      "tests/fixtures/ingest/baremetrics_manual_subscription_import_template.csv",
      "utf8",
    );
    const orgId = await newOrg("baremetrics");
    const u = await importText(orgId, csv);
    expect(counts(u)).toMatchObject({ imported: 2, rejected: 0 });
    expect(u.options.amountsIn).toBe("minor");
    // MRR-1: 5000 cents a month, quantity 1 = $50.00 each.
    expect((await items(orgId)).map((i) => [i.unitAmount, i.mrr])).toEqual([
      [5000, 5000],
      [5000, 5000],
    ]);
    const told = await newOrg("baremetrics-units");
    const { upload } = await store(told, csv, "units.csv");
    await queueImport(db(), { orgId: told, uploadId: upload.id, options: { amountsIn: "units" } });
    await importUpload(db(), { orgId: told, uploadId: upload.id });
    expect((await items(told)).map((i) => i.mrr)).toEqual([500_000, 500_000]);
  });

  it("stores countries as ISO codes, from codes or names in any of the header languages", async () => {
    const orgId = await newOrg("countries");
    await importText(
      orgId,
      [
        "Customer ID,Country,Amount,Interval,Start Date",
        "c1,Germany,10,month,2024-01-01",
        "c2,de,10,month,2024-01-01",
        "c3,États-Unis,10,month,2024-01-01",
        "c4,UK,10,month,2024-01-01",
        "c5,Atlantis,10,month,2024-01-01",
      ].join("\n"),
    );
    const rows = await db()
      .select({ id: customers.externalId, country: customers.country })
      .from(customers)
      .where(eq(customers.orgId, orgId))
      .orderBy(asc(customers.externalId));
    expect(rows.map((r) => r.country)).toEqual(["DE", "DE", "US", "GB", "Atlantis"]);
  });

  it("gives the line a row starts on after quoted fields that span lines, CRLF or LF", async () => {
    for (const eol of ["\r\n", "\n"]) {
      const orgId = await newOrg(`span${eol.length}`);
      const csv = [
        "Customer Name,Plan,Amount,Interval,Start Date",
        `"Ana${eol}Lopez${eol}GmbH",Pro,10,month,2024-01-01`,
        "Bob,Pro,ten,month,2024-01-01",
        `"Cid${eol}Co",Pro,10,month,2024-02-30`,
        "",
        "Dee,Pro,10,sometimes,2024-01-01",
      ].join(eol);
      // Lines as an editor numbers them: Ana's row is lines 2-4, Bob's 5, Cid's 6-7, an empty line 8.
      const expected = [
        [5, "Amount"],
        [6, "Start Date"],
        [9, "Interval"],
      ];
      const { upload } = await store(orgId, csv, `span${eol.length}.csv`);
      const preview = await previewUpload(db(), { orgId, uploadId: upload.id });
      if (!preview.ok) throw new Error(preview.error.message);
      const problems = preview.problems.filter((p) => p.line !== undefined);
      expect(problems.map((p) => [p.line, p.column])).toEqual(expected); // the preview agrees
      const u = await importText(orgId, csv);
      expect(counts(u)).toMatchObject({ read: 4, imported: 1, rejected: 3 });
      const rejected = await listRejections(db(), orgId, u.id);
      expect(rejected.map((r) => [r.line, r.column])).toEqual(expected);
    }
  });

  it("imports customers files, merging into customers that subscriptions created", async () => {
    const orgId = await newOrg("cust");
    await importText(orgId, "id,customer_id,amount,interval,start_date\ns1,A-1,10,month,2024-01-01\n");
    const u = await importText(
      orgId,
      "account_id,account_name,industry,country\nA-1,Company One,EdTech,US\nA-2,Company Two,FinTech,IN\n",
      { kind: "customers" },
    );
    expect(counts(u)).toEqual({ status: "complete", read: 2, imported: 2, unchanged: 0, rejected: 0 });
    const rows = await db()
      .select({ id: customers.externalId, name: customers.name, industry: customers.industry })
      .from(customers)
      .where(and(eq(customers.orgId, orgId)))
      .orderBy(asc(customers.externalId));
    expect(rows).toEqual([
      { id: "A-1", name: "Company One", industry: "EdTech" },
      { id: "A-2", name: "Company Two", industry: "FinTech" },
    ]);
  });

  it("a later file fills and changes a customer's attributes but never blanks or renames it with a fallback", async () => {
    const orgId = await newOrg("merge");
    await importText(
      orgId,
      "id,customer_id,customer_name,customer_email,amount,interval,start_date\n" +
        "s1,A-1,Ana Lopez,ana@x.com,10,month,2024-01-01\ns2,A-2,,bo@x.com,10,month,2024-01-01\n",
    );
    const stored = () =>
      db()
        .select({
          id: customers.externalId,
          name: customers.name,
          email: customers.email,
          industry: customers.industry,
        })
        .from(customers)
        .where(eq(customers.orgId, orgId))
        .orderBy(asc(customers.externalId));
    // A-2 gave no name: its email stands in for one until a file names it.
    expect(await stored()).toEqual([
      { id: "A-1", name: "Ana Lopez", email: "ana@x.com", industry: null },
      { id: "A-2", name: "bo@x.com", email: "bo@x.com", industry: null },
    ]);
    // No name column: A-1 keeps its name and email and gains an industry; A-2 is named now.
    const second = await importText(
      orgId,
      "account_id,account_name,industry\nA-1,,EdTech\nA-2,Bo Ltd,FinTech\n",
      { kind: "customers" },
    );
    expect(counts(second)).toEqual({ status: "complete", read: 2, imported: 2, unchanged: 0, rejected: 0 });
    expect(await stored()).toEqual([
      { id: "A-1", name: "Ana Lopez", email: "ana@x.com", industry: "EdTech" },
      { id: "A-2", name: "Bo Ltd", email: "bo@x.com", industry: "FinTech" },
    ]);
    // The same facts in another file change nothing and count as unchanged.
    const third = await importText(orgId, "industry,account_id\nEdTech,A-1\nFinTech,A-2\n", {
      kind: "customers",
    });
    expect(counts(third)).toEqual({ status: "complete", read: 2, imported: 0, unchanged: 2, rejected: 0 });
    expect((await stored())[0]?.name).toBe("Ana Lopez");
  });
});
