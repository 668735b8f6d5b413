import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, type Organization, organizations, type Role, subscriptionItems } from "@/db/schema";
import { audit } from "@/lib/audit";
import { AppError, notFound } from "@/lib/errors";
import { rebuildEventRollups } from "@/lib/events/write";
import { parseField, ZCurrency, ZOrgName, ZSlug, ZTimeZone } from "./validation";

export type OrgInput = { name: string; slug: string; currency?: string; timezone?: string };

/** Creates an org with `ownerUserId` as its first owner, atomically. */
export async function createOrganization(
  db: Db,
  input: OrgInput & { ownerUserId: string },
): Promise<Organization> {
  const values = {
    name: parseField(ZOrgName, input.name, "name"),
    slug: parseField(ZSlug, input.slug, "slug"),
    currency: parseField(ZCurrency, input.currency ?? "USD", "currency"),
    timezone: parseField(ZTimeZone, input.timezone ?? "UTC", "timezone"),
  };
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values(values)
      .onConflictDoNothing({ target: organizations.slug })
      .returning();
    if (!org) {
      throw new AppError(409, `The address "${values.slug}" is taken; choose another.`, {
        fieldErrors: { slug: ["This address is taken."] },
      });
    }
    await tx.insert(memberships).values({ orgId: org.id, userId: input.ownerUserId, role: "owner" });
    await audit(tx, {
      orgId: org.id,
      actorUserId: input.ownerUserId,
      action: "org.created",
      target: org.slug,
    });
    return org;
  });
}

export type OrgMembership = { org: Organization; role: Role };

/** The org with this slug if `userId` is a member; otherwise undefined (never "forbidden"). */
export async function findMembershipBySlug(db: Db, { slug, userId }: { slug: string; userId: string }) {
  const [row] = await db
    .select({ org: organizations, role: memberships.role })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, userId)))
    .where(eq(organizations.slug, slug.toLowerCase()))
    .limit(1);
  return row as OrgMembership | undefined;
}

export async function findOrgById(db: Db, orgId: string): Promise<Organization | undefined> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  return org;
}

export async function listUserOrgs(db: Db, userId: string) {
  return db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

export async function updateOrgSettings(
  db: Db,
  {
    orgId,
    actorUserId,
    ...input
  }: { orgId: string; actorUserId: string; name: string; currency: string; timezone: string },
): Promise<Organization> {
  const values = {
    name: parseField(ZOrgName, input.name, "name"),
    currency: parseField(ZCurrency, input.currency, "currency"),
    timezone: parseField(ZTimeZone, input.timezone, "timezone"),
  };
  const before = await findOrgById(db, orgId);
  if (!before) throw notFound();
  if (before.currency !== values.currency) {
    // Every item's MRR-1 is stored converted at its start date's rate; a new reporting currency would need
    // all of them re-converted, with rates the org may not have. Refuse rather than mix currencies.
    const [item] = await db
      .select({ id: subscriptionItems.id })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.orgId, orgId))
      .limit(1);
    if (item) {
      throw new AppError(
        409,
        "currency: The reporting currency cannot change once subscription data exists.",
        {
          fieldErrors: { currency: ["Fixed once subscription data exists."] },
        },
      );
    }
  }
  const [org] = await db.update(organizations).set(values).where(eq(organizations.id, orgId)).returning();
  if (!org) throw notFound();
  if (before.timezone !== values.timezone) {
    // ENG-1: stored event days are calendar days in the old timezone; recompute them and the rollups.
    await rebuildEventRollups(db, {
      orgId,
      timezone: values.timezone,
      activationEvents: org.settings.activationEvents ?? [],
    });
  }
  const changed = Object.fromEntries(
    (Object.keys(values) as (keyof typeof values)[])
      .filter((k) => before[k] !== values[k])
      .map((k) => [k, { from: before[k], to: values[k] }]),
  );
  if (Object.keys(changed).length) {
    await audit(db, {
      orgId,
      actorUserId,
      action: "org.settings_changed",
      target: org.slug,
      metadata: changed,
    });
  }
  return org;
}

export type MetricPolicy = { grossMarginPercent: number; pastDueChurnAfterDays: number | null };

/** The org's metric policy options (METRICS.md LTV-1 gross margin, MRR-1 pastDueChurnAfterDays), with defaults. */
export function metricPolicyOf(org: Pick<Organization, "settings">): MetricPolicy {
  return {
    grossMarginPercent: org.settings.grossMarginPercent ?? 100,
    pastDueChurnAfterDays: org.settings.pastDueChurnAfterDays ?? null,
  };
}

/**
 * Saves the metric policy. A change of pastDueChurnAfterDays changes every month-end MRR, so the
 * caller must rebuild the derived revenue tables when `rebuildNeeded` is true.
 */
export async function updateMetricPolicy(
  db: Db,
  { orgId, actorUserId, policy }: { orgId: string; actorUserId: string; policy: MetricPolicy },
): Promise<{ rebuildNeeded: boolean }> {
  const before = await findOrgById(db, orgId);
  if (!before) throw notFound();
  const old = metricPolicyOf(before);
  await db
    .update(organizations)
    .set({ settings: { ...before.settings, ...policy } })
    .where(eq(organizations.id, orgId));
  const changed = Object.fromEntries(
    (Object.keys(policy) as (keyof MetricPolicy)[])
      .filter((k) => old[k] !== policy[k])
      .map((k) => [k, { from: old[k], to: policy[k] }]),
  );
  if (Object.keys(changed).length) {
    await audit(db, {
      orgId,
      actorUserId,
      action: "org.metric_policy_changed",
      target: before.slug,
      metadata: changed,
    });
  }
  return { rebuildNeeded: old.pastDueChurnAfterDays !== policy.pastDueChurnAfterDays };
}
