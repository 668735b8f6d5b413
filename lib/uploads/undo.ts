import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { queryRows } from "@/db/rows";
import { organizations, type Upload, uploads } from "@/db/schema";
import { audit } from "@/lib/audit";
import { conflict, notFound } from "@/lib/errors";
import { rebuildEventRollups } from "@/lib/events/write";
import { updateRevenueForCustomers } from "@/lib/metrics/derive";

/*
 * Undo of an upload: the items it created, the customers and plans it created that nothing else uses
 * any more, its bytes, rejected rows and the upload itself, and the derived metrics of the customers
 * whose items went, in one transaction. An events upload: the product events it stored (not those the org
 * already had when it was imported), then the org's engagement rollups rebuilt from the events left. Changes the upload made to rows an earlier upload or another
 * source created stay (there is no history to restore them from).
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
    const items = await queryRows<{ customer_id: string }>(
      tx,
      sql`DELETE FROM subscription_items WHERE org_id = ${orgId} AND source_upload_id = ${uploadId}
          RETURNING customer_id`,
    );
    const affected = [...new Set(items.map((i) => i.customer_id))];
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
        ...(eventsDeleted > 0 ? { events: eventsDeleted } : {}),
      },
      ip: ip ?? null,
    });
    return result;
  });
}
