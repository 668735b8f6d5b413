import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { getMovements, type MovementMonth } from "@/db/queries/revenue-series";
import { customers, organizations, plans, subscriptionItems, type Upload } from "@/db/schema";
import { type ImportHooks, importUpload } from "@/lib/uploads/import";
import { queueImport, type TQueueImport } from "@/lib/uploads/plan";
import { storeUpload } from "@/lib/uploads/store";
import { deleteUpload } from "@/lib/uploads/undo";
import { createTestDb } from "./db";

/**
 * A fresh database per file (createTestDb's, or `open`'s), orgs, and shortcuts to store and import CSV
 * text.
 */
export function setupUploads(open: () => Promise<DbHandle> = createTestDb) {
  let handle: DbHandle | undefined;
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(() => handle?.close());
  const db = () => {
    if (!handle) throw new Error("the test database is not ready yet");
    return handle.db;
  };

  async function newOrg(slug: string, currency = "USD") {
    const [org] = await db().insert(organizations).values({ slug, name: slug, currency }).returning();
    if (!org) throw new Error("no org");
    return org.id;
  }

  /** Stores bytes as an upload, in pieces of `piece` bytes (to cross chunk boundaries). */
  async function store(
    orgId: string,
    content: string | Uint8Array,
    filename = "file.csv",
    piece = 64 * 1024,
  ) {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    async function* body() {
      for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
    }
    return storeUpload(db(), { orgId, userId: null, filename, body: body(), maxBytes: 200 * 1024 * 1024 });
  }

  /** Stores, queues (with optional kind/mapping) and imports; returns the finished upload. */
  async function importText(
    orgId: string,
    content: string | Uint8Array,
    plan: Omit<TQueueImport, "orgId" | "uploadId"> = {},
    hooks: ImportHooks = {},
  ): Promise<Upload> {
    const { upload } = await store(orgId, content, `f-${Math.random()}.csv`);
    await queueImport(db(), { orgId, uploadId: upload.id, ...plan });
    return (await importUpload(db(), { orgId, uploadId: upload.id }, { asOf: AS_OF, ...hooks })).upload;
  }

  /** The org's movements (MOV-1) from 2024-01 to 2025-01. */
  const movements = (orgId: string) => getMovements(db(), { orgId, from: "2024-01", to: "2025-01" });

  /** Deletes an upload and undoes its import, as of AS_OF. */
  const undo = (orgId: string, uploadId: string) =>
    deleteUpload(db(), { orgId, uploadId, actorUserId: null, asOf: AS_OF });

  /** The org's items whose key starts with `prefix` (an item and its split parts), by start. */
  const parts = (orgId: string, prefix: string) =>
    db()
      .select({
        key: subscriptionItems.externalId,
        startDate: subscriptionItems.startDate,
        endDate: subscriptionItems.endDate,
        startedOn: subscriptionItems.startedOn,
        unitAmount: subscriptionItems.unitAmount,
        status: subscriptionItems.status,
      })
      .from(subscriptionItems)
      .where(
        and(eq(subscriptionItems.orgId, orgId), sql`${subscriptionItems.externalId} LIKE ${`${prefix}%`}`),
      )
      .orderBy(subscriptionItems.startDate);

  return { db, newOrg, store, importText, movements, undo, parts };
}

/** One month of a movements list; throws when it is not there. */
export function monthOf(list: readonly MovementMonth[], month: string): MovementMonth {
  const found = list.find((x) => x.month === month);
  if (!found) throw new Error(`no ${month}`);
  return found;
}

export const AS_OF = new Date("2025-01-15T12:00:00Z");

export const counts = (u: Upload) => ({
  status: u.status,
  read: u.rowsRead,
  imported: u.rowsImported,
  unchanged: u.rowsUnchanged,
  rejected: u.rowsRejected,
});

/** The org's items with their key, plan, customer name and MRR-1, by customer name. */
export const itemsByCustomer = (db: Db, orgId: string) =>
  db
    .select({
      key: subscriptionItems.externalId,
      plan: plans.externalId,
      customer: customers.name,
      mrr: subscriptionItems.mrr,
    })
    .from(subscriptionItems)
    .innerJoin(customers, eq(customers.id, subscriptionItems.customerId))
    .leftJoin(plans, eq(plans.id, subscriptionItems.planId))
    .where(eq(subscriptionItems.orgId, orgId))
    .orderBy(asc(customers.name));
