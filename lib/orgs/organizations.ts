import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, type Organization, organizations, type Role } from "@/db/schema";
import { audit } from "@/lib/audit";
import { AppError, notFound } from "@/lib/errors";
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
  const [org] = await db.update(organizations).set(values).where(eq(organizations.id, orgId)).returning();
  if (!org) throw notFound();
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
