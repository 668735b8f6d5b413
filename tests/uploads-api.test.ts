import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations, uploads } from "@/db/schema";
import { getRunner, setRunner } from "@/inngest";
import { createApiKey } from "@/lib/api-keys";
import { createTestDb } from "./helpers/db";

/*
 * The /api/v1/uploads routes through the real wrapper with API keys and real multipart bodies: upload
 * (streamed), duplicate, 413 over MAX_UPLOAD_MB, preview, import through the in-process runner, the
 * rejected-rows CSV, undo, and 404 for another org's upload.
 */
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => null }));
vi.mock("@/lib/auth/auth", () => ({ clientIp: () => "127.0.0.1" }));

type Route = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Global = { meridianDb?: DbHandle };

let h: DbHandle;
let dataDir: string;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "meridian-uploads-api-"));
  vi.stubEnv("MERIDIAN_DATA_DIR", dataDir);
  vi.stubEnv("AUTH_SECRET", "a".repeat(32));
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("MAX_UPLOAD_MB", "1");
  h = await createTestDb();
  (globalThis as Global).meridianDb = h;
  setRunner(undefined);
  const [a] = await h.db.insert(organizations).values({ slug: "up-a", name: "A" }).returning();
  const [b] = await h.db.insert(organizations).values({ slug: "up-b", name: "B" }).returning();
  keyA = (await createApiKey(h.db, { orgId: a!.id, name: "k", createdBy: null })).key;
  keyB = (await createApiKey(h.db, { orgId: b!.id, name: "k", createdBy: null })).key;
});
afterAll(async () => {
  await getRunner().waitForIdle();
  setRunner(undefined);
  (globalThis as Global).meridianDb = undefined;
  await h?.close();
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

const routes = async () => ({
  uploads: await import("@/app/api/v1/uploads/route"),
  preview: (await import("@/app/api/v1/uploads/preview/route")).POST as Route,
  one: await import("@/app/api/v1/uploads/[id]/route"),
  start: (await import("@/app/api/v1/uploads/[id]/import/route")).POST as Route,
  leftOut: (await import("@/app/api/v1/uploads/[id]/left-out/route")).POST as Route,
  csv: (await import("@/app/api/v1/uploads/[id]/rejections.csv/route")).GET as Route,
  rows: (await import("@/app/api/v1/uploads/[id]/rejected-rows.csv/route")).GET as Route,
});

/** A real multipart/form-data body, as a browser sends it, streamed in small pieces. */
function multipart(content: string | Uint8Array, filename = "subs.csv") {
  const boundary = "----meridian-test-boundary";
  const enc = new TextEncoder();
  const bytes = typeof content === "string" ? enc.encode(content) : content;
  const parts = [
    enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`),
    enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    bytes,
    enc.encode(`\r\n--${boundary}--\r\n`),
  ];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts)
        for (let i = 0; i < p.length; i += 7_000) controller.enqueue(p.subarray(i, i + 7_000));
      controller.close();
    },
  });
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

async function call(
  route: Route,
  url: string,
  {
    method = "GET",
    key = keyA,
    json,
    form,
    params = {},
  }: {
    method?: string;
    key?: string;
    json?: unknown;
    form?: ReturnType<typeof multipart>;
    params?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  let body: BodyInit | undefined;
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    headers["content-type"] = form.type;
    body = form.body;
  }
  const res = await route(
    new NextRequest(`http://localhost${url}`, {
      method,
      headers,
      body,
      duplex: "half",
    } as ConstructorParameters<typeof NextRequest>[1]),
    { params: Promise.resolve(params) },
  );
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: response JSON, asserted field by field below
  return { status: res.status, body: parsed as Record<string, any>, headers: res.headers };
}

const CSV =
  "Subscription ID,Customer,Plan,Amount,Billing Period,Start Date\n" +
  "s1,Acme,Pro,$120.00,yearly,2024-01-05\n" +
  "s2,Bolt,Basic,=1+1,monthly,2024-02-01\n";

describe("uploads API", () => {
  it("upload → preview → import → rejected rows → undo, and 404 for another org", async () => {
    const r = await routes();
    const up = await call(r.uploads.POST as Route, "/api/v1/uploads", {
      method: "POST",
      form: multipart(CSV),
    });
    expect(up.status).toBe(201);
    expect(up.body.duplicate).toBe(false);
    expect(up.body.upload).toMatchObject({
      filename: "subs.csv",
      size_bytes: new TextEncoder().encode(CSV).length,
      content_type: "text/csv",
      status: "uploaded",
      kind: null,
      progress: 0,
      rows_read: 0,
    });
    const id = up.body.upload.id as string;
    const again = await call(r.uploads.POST as Route, "/api/v1/uploads", {
      method: "POST",
      form: multipart(CSV, "copy.csv"),
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ duplicate: true, upload: { id, filename: "subs.csv" } });

    const preview = await call(r.preview, "/api/v1/uploads/preview", {
      method: "POST",
      json: { upload_id: id },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      upload_id: id,
      ok: true,
      kind: "subscriptions",
      canImport: true,
      delimiter: ",",
    });
    expect(
      (preview.body.mapping as { header: string; field: string }[]).map((m) => [m.header, m.field]),
    ).toEqual([
      ["Subscription ID", "subscription_id"],
      ["Customer", "customer_name"],
      ["Plan", "plan"],
      ["Amount", "amount"],
      ["Billing Period", "interval"],
      ["Start Date", "start_date"],
    ]);
    const otherPreview = await call(r.preview, "/api/v1/uploads/preview", {
      method: "POST",
      key: keyB,
      json: { upload_id: id },
    });
    expect(otherPreview.status).toBe(404);

    const start = await call(r.start, `/api/v1/uploads/${id}/import`, {
      method: "POST",
      json: { kind: "subscriptions", mapping: { Customer: "customer_id" } },
      params: { id },
    });
    expect(start.status).toBe(202);
    expect(start.body.upload).toMatchObject({ id, status: "queued", kind: "subscriptions" });
    await getRunner().waitForIdle();

    const done = await call(r.one.GET as Route, `/api/v1/uploads/${id}`, { params: { id } });
    expect(done.body.upload).toMatchObject({
      status: "complete",
      progress: 1,
      rows_read: 2,
      rows_imported: 1,
      rows_rejected: 1,
      rows_unchanged: 0,
      error: null,
    });
    const list = await call(r.uploads.GET as Route, "/api/v1/uploads");
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([id]);
    expect((await call(r.uploads.GET as Route, "/api/v1/uploads", { key: keyB })).body).toEqual({ data: [] });

    const csv = await call(r.csv, `/api/v1/uploads/${id}/rejections.csv`, { params: { id } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.body).toBe("line,column,value,message\r\n3,Amount,'=1+1,'=1+1' is not an amount\r\n");
    const rows = await call(r.rows, `/api/v1/uploads/${id}/rejected-rows.csv`, { params: { id } });
    expect(rows.headers.get("content-disposition")).toBe('attachment; filename="subs-rows-to-fix.csv"');
    expect(rows.body).toBe(
      "Subscription ID,Customer,Plan,Amount,Billing Period,Start Date,Rejected because\r\n" +
        "s2,Bolt,Basic,'=1+1,monthly,2024-02-01,Amount: '=1+1' is not an amount\r\n",
    );

    for (const [route, method] of [
      [r.one.GET, "GET"],
      [r.csv, "GET"],
      [r.rows, "GET"],
      [r.one.DELETE, "DELETE"],
    ] as const) {
      const res = await call(route as Route, `/api/v1/uploads/${id}`, { method, key: keyB, params: { id } });
      expect(res.status, `${method} from another org`).toBe(404);
    }
    expect((await call(r.one.GET as Route, "/api/v1/uploads/nope", { params: { id: "nope" } })).status).toBe(
      404,
    );

    const undo = await call(r.one.DELETE as Route, `/api/v1/uploads/${id}`, {
      method: "DELETE",
      params: { id },
    });
    expect(undo).toMatchObject({
      status: 200,
      body: {
        upload_id: id,
        items_deleted: 1,
        customers_deleted: 1,
        plans_deleted: 1,
        items_restored: 0,
        customers_restored: 0,
        changes_kept: 0,
      },
    });
    expect((await call(r.one.GET as Route, `/api/v1/uploads/${id}`, { params: { id } })).status).toBe(404);
  });

  it.each([
    [
      "a PNG renamed .csv",
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      "This file holds binary data, not CSV text.",
    ],
    [
      "a header without rows",
      "Subscription ID,Customer,Amount\r\n",
      "The file has a header row but no data rows.",
    ],
  ])(
    "fails %s at upload with one message, instead of leaving it waiting for a mapping",
    async (_name, content, message) => {
      const r = await routes();
      const up = await call(r.uploads.POST as Route, "/api/v1/uploads", {
        method: "POST",
        form: multipart(content, "unreadable.csv"),
      });
      expect(up.status).toBe(201);
      expect(up.body.upload).toMatchObject({ status: "failed", error: message, rows_read: 0 });
      const id = up.body.upload.id as string;
      const listed = (await call(r.uploads.GET as Route, "/api/v1/uploads")).body.data;
      expect(listed).toEqual([expect.objectContaining({ id, status: "failed", error: message })]);
      const start = await call(r.start, `/api/v1/uploads/${id}/import`, {
        method: "POST",
        json: { kind: "subscriptions" },
        params: { id },
      });
      expect(start.status).toBe(422);
      const undo = await call(r.one.DELETE as Route, `/api/v1/uploads/${id}`, {
        method: "DELETE",
        params: { id },
      });
      expect(undo).toMatchObject({ status: 200, body: { upload_id: id, items_deleted: 0 } });
    },
  );

  it("options.end_missing: the preview counts what a full export leaves out, the import ends it on the day", async () => {
    const r = await routes();
    const head = "Subscription ID,Customer ID,Amount,Interval,Start Date\n";
    const importFile = async (name: string, text: string, options: Record<string, unknown>) => {
      const up = await call(r.uploads.POST as Route, "/api/v1/uploads", {
        method: "POST",
        key: keyB,
        form: multipart(text, name),
      });
      const id = up.body.upload.id as string;
      const preview = await call(r.preview, "/api/v1/uploads/preview", {
        method: "POST",
        key: keyB,
        json: { upload_id: id },
      });
      const start = await call(r.start, `/api/v1/uploads/${id}/import`, {
        method: "POST",
        key: keyB,
        json: { kind: "subscriptions", options },
        params: { id },
      });
      await getRunner().waitForIdle();
      const done = await call(r.one.GET as Route, `/api/v1/uploads/${id}`, { key: keyB, params: { id } });
      return { preview: preview.body, start, upload: done.body.upload };
    };
    const first = await importFile(
      "all.csv",
      `${head}e1,k1,10,month,2024-01-01\ne2,k2,20,month,2024-01-01\n`,
      {},
    );
    expect(first.upload).toMatchObject({ status: "complete", items_ended: null });

    const bad = await importFile("bad.csv", `${head}e1,k1,10,month,2024-01-01\n`, { end_missing: "soon" });
    expect(bad.start).toMatchObject({ status: 422 });
    expect(JSON.stringify(bad.start.body)).toContain("Use true, false or a date (YYYY-MM-DD).");
    expect(bad.preview.earlier).toEqual({ matched: 1, changed: 0, live: 2, missing: 1 });

    // What importing it as a full export would end, on the day, read from the whole file; nothing written.
    const id = bad.upload.id as string;
    const leftOut = (key: string, body: Record<string, unknown>) =>
      call(r.leftOut, `/api/v1/uploads/${id}/left-out`, { method: "POST", key, json: body, params: { id } });
    const check = await leftOut(keyB, { kind: "subscriptions", options: { end_missing: "2024-06-01" } });
    expect(check).toMatchObject({
      status: 200,
      body: {
        day: "2024-06-01",
        rows_read: 1,
        live: 2,
        missing: 1,
        missing_mrr: 2_000,
        currency: "USD",
        examples: [{ subscription_id: "e2", customer: "k2", plan: null, mrr: 2_000 }],
      },
    });
    // Before both started, nothing could end; another org's upload is not found; customers end nothing.
    const early = await leftOut(keyB, { kind: "subscriptions", options: { end_missing: "2024-01-01" } });
    expect(early.body).toMatchObject({ live: 0, missing: 0, missing_mrr: 0, examples: [] });
    expect((await leftOut(keyA, { kind: "subscriptions" })).status).toBe(404);
    const customers = await leftOut(keyB, { kind: "customers" });
    expect(customers).toMatchObject({ status: 422 });
    expect(JSON.stringify(customers.body)).toContain("Only a file of subscriptions");
    const [stillThere] = await h.db.select().from(uploads).where(eq(uploads.id, id));
    expect(stillThere).toMatchObject({ status: "uploaded", itemsEnded: null, kind: null });

    const full = await importFile("full.csv", `${head}e1,k1,10,month,2024-01-01\n\n`, {
      end_missing: "2024-06-01",
    });
    expect(full.upload).toMatchObject({
      status: "complete",
      rows_unchanged: 1,
      items_ended: 1,
      options: { endMissingOn: "2024-06-01" },
    });
  });

  it("refuses files over MAX_UPLOAD_MB with 413 and keeps nothing", async () => {
    const r = await routes();
    const big = new Uint8Array(1024 * 1024 + 10).fill(0x61);
    const res = await call(r.uploads.POST as Route, "/api/v1/uploads", {
      method: "POST",
      form: multipart(big),
    });
    expect(res).toMatchObject({ status: 413, body: { error: "The file is larger than the 1 MB limit" } });
    const list = (await call(r.uploads.GET as Route, "/api/v1/uploads")).body.data;
    expect(list, JSON.stringify(list)).toHaveLength(0);
  });

  it("answers 400 without multipart and 422 without the file field", async () => {
    const r = await routes();
    const plain = await call(r.uploads.POST as Route, "/api/v1/uploads", { method: "POST", json: { a: 1 } });
    expect(plain.status).toBe(400);
    const boundary = "b";
    const empty = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(
          new TextEncoder().encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--${boundary}--\r\n`,
          ),
        );
        c.close();
      },
    });
    const res = await call(r.uploads.POST as Route, "/api/v1/uploads", {
      method: "POST",
      form: { body: empty, type: `multipart/form-data; boundary=${boundary}` },
    });
    expect(res).toMatchObject({
      status: 422,
      body: { error: "The request has no file in the field `file`." },
    });
  });
});
