import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations, type Upload, uploads } from "@/db/schema";
import { audit } from "@/lib/audit";
import { conflict, notFound } from "@/lib/errors";
import { rebuildEventRollups } from "@/lib/events/write";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";
import { CHANGE_FIELDS, CUSTOMER_FIELDS, fieldsJson, itemJson, rebuildPeriods } from "./import-sql";

/*
 * Undo of an upload: the items it created, the customers and plans it created that nothing else uses
 * any more, its bytes, rejected rows and the upload itself, and the derived metrics of the customers
 * whose items went, in one transaction. An events upload: the product events it stored (not those the org
 * already had when it was imported), then the org's engagement rollups rebuilt from the events left.
 * Items and customers the upload changed but did not create get back the fields they had before it
 * (upload_item_changes, upload_customer_changes; restoreChanges below).
 */

/** An import that has not written anything for this long is taken as dead (its process was killed). */
const STALE_MS = 5 * 60_000;

/**
 * Whether deleting the upload undoes an import (and so asks the user to confirm first): false for a
 * file still at its preview, or one that could not be read, from which nothing was ever imported.
 */
export function uploadWasImported(upload: Pick<Upload, "status" | "kind">): boolean {
  return upload.status !== "uploaded" && upload.kind !== null;
}

export type DeleteUploadResult = {
  uploadId: string;
  itemsDeleted: number;
  customersDeleted: number;
  plansDeleted: number;
  /** Items and customers an earlier upload (or another source) created that got back their fields from before. */
  itemsRestored: number;
  customersRestored: number;
  /**
   * Changes left as they are because the item or customer was changed since, other than by an upload
   * (a form, by hand): restoring would overwrite that.
   */
  changesKept: number;
  /** Events uploads only. */
  eventsDeleted?: number;
};

export async function deleteUpload(
  db: Db,
  {
    orgId,
    uploadId,
    actorUserId,
    ip,
    asOf,
  }: { orgId: string; uploadId: string; actorUserId: string | null; ip?: string | null; asOf?: Date },
): Promise<DeleteUploadResult> {
  return db.transaction(async (tx) => {
    const [upload] = await tx
      .select()
      .from(uploads)
      .where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)))
      .for("update");
    if (!upload) throw notFound("Upload not found.");
    const running = upload.status === "importing" || upload.status === "queued";
    if (running && Date.now() - upload.updatedAt.getTime() < STALE_MS) {
      throw conflict("This upload is being imported; wait until it finishes, then delete it.");
    }
    // A split cannot be handed on to a later change (restoreChanges): that later upload goes first.
    const [later] = await queryRows<{ filename: string }>(
      tx,
      sql`SELECT u.filename FROM upload_item_changes m
          JOIN upload_item_changes n ON n.item_id = m.item_id AND n.seq > m.seq
          JOIN uploads u ON u.id = n.upload_id AND u.org_id = ${orgId}
          WHERE m.upload_id = ${uploadId} AND (m.split_item_id IS NOT NULL OR n.split_item_id IS NOT NULL)
          LIMIT 1`,
    );
    if (later) {
      throw conflict(
        `‘${later.filename}’, imported after this file, changed the same subscriptions again: delete it first, then this one.`,
      );
    }
    const items = await queryRows<{ customer_id: string }>(
      tx,
      sql`DELETE FROM subscription_items WHERE org_id = ${orgId} AND source_upload_id = ${uploadId}
          RETURNING customer_id`,
    );
    const restored = await restoreChanges(tx, orgId, uploadId);
    const affected = [...new Set([...items.map((i) => i.customer_id), ...restored.customerIds])];
    const customers = await queryRows<{ id: string }>(
      tx,
      sql`DELETE FROM customers c WHERE c.org_id = ${orgId} AND c.source_upload_id = ${uploadId}
            AND NOT EXISTS (SELECT 1 FROM subscription_items i WHERE i.customer_id = c.id)
            AND NOT EXISTS (SELECT 1 FROM stripe_customers s WHERE s.customer_id = c.id)
            AND NOT EXISTS (SELECT 1 FROM stripe_subscriptions s WHERE s.customer_id = c.id)
          RETURNING c.id`,
    );
    const plans = await queryRows<{ id: string }>(
      tx,
      sql`DELETE FROM plans p WHERE p.org_id = ${orgId} AND p.source_upload_id = ${uploadId}
            AND NOT EXISTS (SELECT 1 FROM subscription_items i WHERE i.plan_id = p.id)
          RETURNING p.id`,
    );
    const events = await queryRows<{ n: number | string }>(
      tx,
      sql`WITH gone AS (
            DELETE FROM product_events WHERE org_id = ${orgId} AND source_upload_id = ${uploadId} RETURNING 1)
          SELECT count(*) AS n FROM gone`,
    );
    const eventsDeleted = Number(events[0]?.n ?? 0);
    if (eventsDeleted > 0) {
      const [org] = await tx
        .select({ timezone: organizations.timezone, settings: organizations.settings })
        .from(organizations)
        .where(eq(organizations.id, orgId));
      if (!org) throw notFound();
      // ENG-2..4 read the rollups, which only grow as events arrive: rebuilt from the events left.
      await rebuildEventRollups(tx, {
        orgId,
        timezone: org.timezone,
        activationEvents: org.settings.activationEvents ?? [],
      });
    }
    await tx.delete(uploads).where(and(eq(uploads.orgId, orgId), eq(uploads.id, uploadId)));
    // The derived tables have no foreign keys: updating after the deletes removes the customers' rows.
    await updateRevenueForCustomers(tx, orgId, affected, asOf ? { asOf } : {});
    const result = {
      uploadId,
      itemsDeleted: items.length,
      customersDeleted: customers.length,
      plansDeleted: plans.length,
      itemsRestored: restored.items,
      customersRestored: restored.customers,
      changesKept: restored.kept,
      ...(upload.kind === "events" ? { eventsDeleted } : {}),
    };
    await audit(tx, {
      orgId,
      actorUserId,
      action: "upload.deleted",
      target: uploadId,
      metadata: {
        filename: upload.filename,
        items: items.length,
        customers: customers.length,
        ...(restored.items + restored.customers > 0
          ? { restored: { items: restored.items, customers: restored.customers } }
          : {}),
        ...(restored.kept > 0 ? { changesKept: restored.kept } : {}),
        ...(eventsDeleted > 0 ? { events: eventsDeleted } : {}),
      },
      ip: ip ?? null,
    });
    return result;
  });
}

type Restored = { items: number; customers: number; kept: number; customerIds: string[] };

/** Item fields that the restore sets from the record `r` (its plan only while the plan still exists). */
const ITEM_RESTORE_SETS = sql.raw(
  CHANGE_FIELDS.map((f) =>
    f === "plan_id" ? "plan_id = (SELECT p.id FROM plans p WHERE p.id = r.plan_id)" : `${f} = r.${f}`,
  ).join(", "),
);
const CUSTOMER_RESTORE_SETS = sql.raw(CUSTOMER_FIELDS.map((f) => `${f} = r.${f}`).join(", "));

/**
 * Puts back what the upload changed in items and customers it did not create. Each change is one of:
 * - handed on: a later upload changed the same row again; that change's `before` becomes this one's, so
 *   undoing the later upload too restores the row as it was before both;
 * - restored: the row is still exactly as this upload left it; it gets its fields from before (an
 *   item's status periods rebuilt from its status as the import writes them, its customer only while that
 *   customer exists, its plan only while that plan does);
 * - kept: the row was changed since, other than by an upload (a form, the Stripe sync), and stays.
 * Deleting the upload afterwards removes its change records (cascade). Returns the customers whose items
 * changed, for the derived metrics: the item's customer as the upload left it, and as restored.
 */
async function restoreChanges(tx: Db, orgId: string, uploadId: string): Promise<Restored> {
  const later = (table: string, key: string) =>
    sql.raw(`(SELECT min(x.seq) FROM ${table} x WHERE x.${key} = m.${key} AND x.seq > m.seq)`);
  const handOn = async (table: string, key: string) => {
    const rows = await queryRows<{ n: number | string }>(
      tx,
      sql`WITH moved AS (
            UPDATE ${sql.raw(table)} n SET before = m.before FROM ${sql.raw(table)} m
            WHERE m.upload_id = ${uploadId} AND n.seq = ${later(table, key)} RETURNING 1)
          SELECT count(*) AS n FROM moved`,
    );
    return Number(rows[0]?.n ?? 0);
  };
  const total = async (table: string) => {
    const rows = await queryRows<{ n: number | string }>(
      tx,
      sql`SELECT count(*) AS n FROM ${sql.raw(table)} WHERE upload_id = ${uploadId}`,
    );
    return Number(rows[0]?.n ?? 0);
  };

  const itemChanges = await total("upload_item_changes");
  const customerChanges = await total("upload_customer_changes");
  if (itemChanges + customerChanges === 0) return { items: 0, customers: 0, kept: 0, customerIds: [] };
  const handedOn =
    (await handOn("upload_item_changes", "item_id")) +
    (await handOn("upload_customer_changes", "customer_id"));

  const items = await queryRows<{ id: string; customer_id: string; was: string }>(
    tx,
    sql`WITH r AS (
          SELECT m.item_id, m.after, m.split_item_id, v.* FROM upload_item_changes m,
            jsonb_populate_record(null::subscription_items, m.before) v
          WHERE m.upload_id = ${uploadId} AND ${later("upload_item_changes", "item_id")} IS NULL
        ), restored AS (
          UPDATE subscription_items i SET ${ITEM_RESTORE_SETS}, updated_at = now()
          FROM r
          WHERE i.id = r.item_id AND i.org_id = ${orgId} AND ${itemJson("i")} = r.after
            AND EXISTS (SELECT 1 FROM customers c WHERE c.org_id = ${orgId} AND c.id = r.customer_id)
          RETURNING i.id, i.customer_id, i.status, i.start_date, i.end_date, r.after ->> 'customer_id' AS was,
            r.split_item_id
        ), parts_gone AS (
          DELETE FROM subscription_items WHERE org_id = ${orgId}
            AND id IN (SELECT split_item_id FROM restored WHERE split_item_id IS NOT NULL)
        ), ${rebuildPeriods(orgId, sql`SELECT id FROM restored`, sql`restored`)}
        SELECT id, customer_id, was FROM restored`,
  );
  const customers = await queryRows<{ id: string }>(
    tx,
    sql`WITH r AS (
          SELECT m.customer_id AS cid, m.after, v.* FROM upload_customer_changes m,
            jsonb_populate_record(null::customers, m.before) v
          WHERE m.upload_id = ${uploadId} AND ${later("upload_customer_changes", "customer_id")} IS NULL
        )
        UPDATE customers c SET ${CUSTOMER_RESTORE_SETS}, updated_at = now()
        FROM r
        WHERE c.id = r.cid AND c.org_id = ${orgId} AND ${fieldsJson("c", CUSTOMER_FIELDS)} = r.after
        RETURNING c.id`,
  );
  return {
    items: items.length,
    customers: customers.length,
    kept: itemChanges + customerChanges - handedOn - items.length - customers.length,
    customerIds: [...new Set(items.flatMap((i) => [i.customer_id, i.was]))],
  };
}
