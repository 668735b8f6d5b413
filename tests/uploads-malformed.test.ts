import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getUpload, listRejections, listUploads } from "@/db/queries/uploads";
import { queryRows } from "@/db/rows";
import { customers, subscriptionItems } from "@/db/schema";
import { importUpload } from "@/lib/uploads/import";
import { detectEngine } from "@/lib/uploads/import-write";
import { previewUpload, queueImport } from "@/lib/uploads/plan";
import { rejectedRowsCsv, rejectionsCsv } from "@/lib/uploads/rejections";
import { readUploadBytes, uploadByteStream } from "@/lib/uploads/store";
import { AS_OF, counts, setupUploads } from "./helpers/uploads";

const { db, newOrg, store, importText } = setupUploads();

const itemIds = async (orgId: string) =>
  (
    await db()
      .select({ id: subscriptionItems.externalId })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId))
      .orderBy(subscriptionItems.externalId)
  ).map((r) => r.id);

/** Stores and imports without queueing first: the pipeline plans it (and fails it) itself. */
async function importRaw(orgId: string, content: string | Uint8Array) {
  const { upload } = await store(orgId, content, `raw-${Math.random()}.csv`);
  return (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF })).upload;
}

const HEADER = "subscription_id,customer_id,amount,interval,start_date";

describe("unreadable files fail with one clear message and write nothing", () => {
  it.each([
    ["empty", "", "The file is empty."],
    ["only blank lines", "\n\n  \n", "The file is empty."],
    ["header only", `${HEADER}\n`, "The file has a header row but no data rows."],
    [
      "binary",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      "This file holds binary data, not CSV text.",
    ],
    [
      "50,000 columns",
      `${Array.from({ length: 50_000 }, (_, i) => `c${i}`).join(",")}\n${"1,".repeat(49_999)}1\n`,
      "The file has about 50,000 columns; Meridian reads files of up to 2,000 columns. Remove the columns you don't need and upload it again.",
    ],
  ])("%s", async (_name, content, message) => {
    const orgId = await newOrg(`bad-${Math.random().toString(36).slice(2, 8)}`);
    const u = await importRaw(orgId, content);
    expect(u).toMatchObject({ status: "failed", error: message, rowsRead: 0, rowsImported: 0 });
    expect(await itemIds(orgId)).toEqual([]);
    expect(await db().select().from(customers).where(eq(customers.orgId, orgId))).toEqual([]);
  });
});

describe("malformed rows", () => {
  it("an unterminated quote: the rows before it are imported, the rest is one rejected row", async () => {
    const orgId = await newOrg("quote");
    const u = await importText(
      orgId,
      `${HEADER}\ns1,c1,10,month,2024-01-01\ns2,c2,"10,month,2024-01-01\ns3,c3,10,month,2024-01-01\n`,
    );
    expect(counts(u)).toEqual({ status: "complete", read: 2, imported: 1, unchanged: 0, rejected: 1 });
    expect(await itemIds(orgId)).toEqual(["s1"]);
    const [r] = await listRejections(db(), orgId, u.id);
    expect(r).toMatchObject({ line: 3, column: null, value: null });
    expect(r?.message).toMatch(/^a quoted value that starts on this row is never closed/);
  });

  it("ragged rows: missing values read as empty, extra ones are ignored", async () => {
    const orgId = await newOrg("ragged");
    const u = await importText(
      orgId,
      `${HEADER},end_date\ns1,c1,10,month,2024-01-01\ns2,c2,10,month,2024-01-01,2024-06-01,extra,more\ns3,c3,10\n`,
    );
    expect(counts(u)).toEqual({ status: "complete", read: 3, imported: 2, unchanged: 0, rejected: 1 });
    const rejected = await listRejections(db(), orgId, u.id);
    expect(rejected.map((r) => [r.line, r.column, r.message])).toEqual([
      [4, "start_date", "is empty"],
      [4, null, "has no amount and interval"],
    ]);
  });

  it("BOM, CRLF, ';' with decimal commas, Windows-1252: read as the preview shows", async () => {
    const orgId = await newOrg("dialect", "EUR");
    const bom = await importText(
      orgId,
      `\uFEFF${HEADER}\r\nb1,c1,"1.234,50",month,2024-01-01\r\nb2,c2,9,month,2024-01-01\r\n`,
    );
    expect(counts(bom)).toMatchObject({ status: "complete", imported: 2, rejected: 0 });
    const semi = await importText(
      orgId,
      "Abo-ID;Kunde;Betrag;Intervall;Startdatum;subscription_id\n" +
        "x;k1;1.234,50;monthly;05.03.2024;sc1\nx;k2;99,90;monthly;17.03.2024;sc2\n",
      {
        mapping: {
          "Abo-ID": null,
          Kunde: "customer_id",
          Betrag: "amount",
          Intervall: "interval",
          Startdatum: "start_date",
        },
      },
    );
    expect(counts(semi)).toEqual({ status: "complete", read: 2, imported: 2, unchanged: 0, rejected: 0 });
    const cp1252 = new Uint8Array([
      ...new TextEncoder().encode(`${HEADER},customer_name\nw1,c9,5,month,2024-01-01,Caf`),
      0xe9,
      0x0a,
    ]);
    const w = await importText(orgId, cp1252);
    expect(counts(w)).toMatchObject({ status: "complete", imported: 1 });
    const rows = await db()
      .select({
        id: subscriptionItems.externalId,
        unit: subscriptionItems.unitAmount,
        start: subscriptionItems.startDate,
      })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId))
      .orderBy(subscriptionItems.externalId);
    expect(rows).toEqual([
      { id: "b1", unit: 123_450, start: "2024-01-01" },
      { id: "b2", unit: 900, start: "2024-01-01" },
      { id: "sc1", unit: 123_450, start: "2024-03-05" },
      { id: "sc2", unit: 9_990, start: "2024-03-17" },
      { id: "w1", unit: 500, start: "2024-01-01" },
    ]);
    const [cafe] = await db()
      .select({ name: customers.name })
      .from(customers)
      .where(eq(customers.externalId, "c9"));
    expect(cafe?.name).toBe("Café");
  });

  it("one 10 MB line: an unmapped giant cell is ignored, a mapped one is rejected", {
    timeout: 120_000,
  }, async () => {
    const orgId = await newOrg("long");
    const giant = "x".repeat(10 * 1024 * 1024);
    const u = await importText(
      orgId,
      `${HEADER},notes,customer_name\nl1,c1,10,month,2024-01-01,${giant},A\nl2,c2,10,month,2024-01-01,short,${giant}\n`,
    );
    expect(counts(u)).toEqual({ status: "complete", read: 2, imported: 1, unchanged: 0, rejected: 1 });
    const [r] = await listRejections(db(), orgId, u.id);
    expect(r).toMatchObject({ line: 3, column: "customer_name", message: "is longer than 500 characters" });
    expect(r?.value?.length).toBe(1001);
  });

  it("the rejected-rows CSV quotes values and defuses formulas", async () => {
    const orgId = await newOrg("csvout");
    const u = await importText(
      orgId,
      `${HEADER}\nf1,c1,"=HYPERLINK(""x"")",month,2024-01-01\nf2,c2,-5,month,2024-01-01\n`,
    );
    let text = "";
    for await (const part of rejectionsCsv(db(), orgId, u.id)) text += part;
    expect(text).toBe(
      "line,column,value,message\r\n" +
        `2,amount,"'=HYPERLINK(""x"")","'=HYPERLINK(""x"")' is not an amount"\r\n` +
        // A negative number is a value, not a formula: it is written as the file had it.
        "3,amount,-5,cannot be negative\r\n",
    );
  });
});

describe("the rows to fix", () => {
  it("are the rejected rows as the file has them, with their problems, and import once fixed", async () => {
    const orgId = await newOrg("tofix");
    const header = "Subscription ID,Customer,Amount,Interval,Start Date,Note";
    const u = await importText(
      orgId,
      [
        header,
        "s1,Acme,10,month,2024-01-01,fine",
        's2,"Bolt, Inc.",ten,sometimes,2024-01-01,two problems',
        "s3,Cid,10,month,2024-01-01,",
        "s4,Dee,-5,month,2024-02-01,=1+1",
      ].join("\n"),
    );
    expect(counts(u)).toMatchObject({ imported: 2, rejected: 2 });
    let text = "";
    for await (const part of rejectedRowsCsv(db(), orgId, u.id)) text += part;
    expect(text).toBe(
      `${header},Rejected because\r\n` +
        `s2,"Bolt, Inc.",ten,sometimes,2024-01-01,two problems,Amount: 'ten' is not an amount; Interval: 'sometimes' is not a billing interval\r\n` +
        "s4,Dee,-5,month,2024-02-01,'=1+1,Amount: cannot be negative\r\n",
    );
    // Fixed in place (the reason column left in), the file imports: the reason column is left out.
    const fixed = text.replace("ten,sometimes", "12,month").replace("Dee,-5", "Dee,5");
    const again = await importText(orgId, fixed);
    expect(counts(again)).toMatchObject({ read: 2, imported: 2, rejected: 0 });
    expect(again.mapping?.find((m) => m.header === "Rejected because")?.field).toBeNull();
    expect(await itemIds(orgId)).toEqual(["s1", "s2", "s3", "s4"]);
  });
});

describe("storage and isolation", () => {
  it("chunks: 2.5 MB round-trips byte for byte, from any offset", async () => {
    const orgId = await newOrg("chunks");
    const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 7) % 251);
    const { upload } = await store(orgId, bytes, "big.bin", 300_000);
    expect(upload).toMatchObject({ sizeBytes: bytes.length, chunkCount: 3 });
    const parts: Uint8Array[] = [];
    for await (const c of uploadByteStream(db(), orgId, upload.id, { fromByte: 1_500_000 })) parts.push(c);
    expect(Buffer.concat(parts).equals(Buffer.from(bytes.subarray(1_500_000)))).toBe(true);
    const head = await readUploadBytes(db(), orgId, upload.id, { maxBytes: 10 });
    expect([...head]).toEqual([...bytes.subarray(0, 10)]);
  });

  it("compresses stored chunks with lz4 on a Postgres server that has it, pglz on PGlite (migration 0016)", async () => {
    const orgId = await newOrg("lz4");
    const line = "sub_1,cus_1,Acme Corp,ops@acme.com,Pro,49.00,USD,monthly,2024-01-01\n";
    const { upload } = await store(orgId, line.repeat(20_000), "compressible.csv");
    const rows = await queryRows<{ method: string | null; stored: number | string; raw: number | string }>(
      db(),
      sql`SELECT pg_column_compression(data) AS method, pg_column_size(data) AS stored, length(data) AS raw
        FROM upload_chunks WHERE org_id = ${orgId} AND upload_id = ${upload.id} ORDER BY seq`,
    );
    expect(rows.length).toBe(2);
    for (const r of rows) {
      expect(r.method).toBe(process.env.TEST_DATABASE_URL ? "lz4" : "pglz");
      expect(Number(r.stored)).toBeLessThan(Number(r.raw) / 4);
    }
  });

  it("another org's upload is not found anywhere", async () => {
    const a = await newOrg("iso-a");
    const b = await newOrg("iso-b");
    const u = await importText(a, `${HEADER}\ni1,c1,x,month,2024-01-01\n`);
    expect(await getUpload(db(), b, u.id)).toBeUndefined();
    expect(await listUploads(db(), b)).toEqual([]);
    expect(await listRejections(db(), b, u.id)).toEqual([]);
    await expect(previewUpload(db(), { orgId: b, uploadId: u.id })).rejects.toThrow("Upload not found.");
    await expect(queueImport(db(), { orgId: b, uploadId: u.id })).rejects.toThrow("Upload not found.");
    await expect(importUpload(db(), { orgId: b, uploadId: u.id })).rejects.toThrow("Upload not found.");
    await expect(rejectionsCsv(db(), b, u.id).next()).rejects.toThrow("Upload not found.");
    expect((await listRejections(db(), a, u.id)).length).toBe(1);
  });

  it("uses COPY FROM STDIN on a Postgres server and COPY from a Blob on PGlite in process", async () => {
    expect(await detectEngine(db())).toBe(process.env.TEST_DATABASE_URL ? "copy" : "blob");
  });
});
